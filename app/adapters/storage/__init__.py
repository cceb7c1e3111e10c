"""Durable alert storage: the SQL repository (SQLite or PostgreSQL), its single writer thread,
the content-addressed evidence files, and the audit verification behind ``citywall audit verify``."""
