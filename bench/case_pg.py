"""A PostgreSQL server for bench/cases.py whose data folder is kept between runs (the year's load
is minutes). The recipe of tests/pg_server.py: Debian's ``initdb``/``pg_ctl``; as root the cluster
belongs to the system user ``citywall-pg`` and the commands run through ``runuser``."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

PG_USER = "citywall-pg"
DB_USER = "citywall"


def _bin_dir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return candidates[0].parent if candidates else None


def _root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", PG_USER, "--", *command] if _root() else command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class BenchServer:
    folder: Path
    port: int
    bin_dir: Path

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{DB_USER}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user={DB_USER} dbname={database}"

    def stop(self) -> None:
        stop = [str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop"]
        subprocess.run(_as_owner(stop), capture_output=True, check=False, timeout=120)


def start(folder: Path) -> BenchServer:
    """Start (after creating, when new) the cluster in ``folder``; RuntimeError says why not."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (no initdb; scripts/setup.sh --tests installs it)")
    known = not _root() or subprocess.run(["id", "-u", PG_USER], capture_output=True).returncode == 0
    if not known:
        add = ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER]
        subprocess.run(add, capture_output=True, check=False)
    data = folder / "data"
    if not (data / "PG_VERSION").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        if _root():
            shutil.chown(folder, PG_USER, PG_USER)
        init = [
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            DB_USER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ]
        done = subprocess.run(_as_owner(init), capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr.strip()}")
    port = _free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c shared_buffers=512MB"
    command = [
        str(bin_dir / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(folder / "log"),
        "-w",
        "-t",
        "120",
    ]
    started = subprocess.run(
        _as_owner([*command, "start"]), capture_output=True, text=True, check=False, timeout=150
    )
    if started.returncode != 0:
        log = (folder / "log").read_text(errors="replace")[-2000:] if (folder / "log").exists() else ""
        raise RuntimeError(f"PostgreSQL did not start: {started.stderr.strip()}\n{log}")
    return BenchServer(folder, port, bin_dir)
