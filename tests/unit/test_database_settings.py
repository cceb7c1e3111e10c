"""The site file's optional `database:` section: a PostgreSQL URL without its password."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.adapters.storage.engines import database_url, describe
from camera_config.issues import ConfigError
from camera_config.loader import parse_site_text

SECRET = "s3cr3t-Pa55"
BASE = "site:\n  name: 东城区\n"


def load(text: str, env: dict[str, str] | None = None) -> object:
    site, _ = parse_site_text(BASE + text, Path("site.yaml"), env or {})
    return site


def problems(text: str, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(text, env)
    assert SECRET not in str(caught.value)
    return [f"{i.path} line {i.line}: {i.message}" for i in caught.value.issues]


def test_a_postgresql_url_with_its_password_in_a_variable() -> None:
    site = load(
        "database:\n  url: postgresql://citywall@db.local:5432/wall\n  password_env: CW_DB_PASSWORD\n",
        {"CW_DB_PASSWORD": SECRET},
    )
    database = site.database  # type: ignore[attr-defined]
    assert database.url == "postgresql://citywall@db.local:5432/wall"
    assert database.password.get_secret_value() == SECRET
    assert SECRET not in repr(database)
    url = database_url(database.url, Path("/data"), database.password.get_secret_value())
    assert url.password == SECRET and url.drivername == "postgresql+psycopg"
    assert SECRET not in describe(url) and "***" in describe(url)


def test_without_a_database_section_alerts_stay_in_the_sites_sqlite_file() -> None:
    assert load("").database is None  # type: ignore[attr-defined]
    assert database_url(None, Path("/data/东城区")).database == str(Path("/data/东城区/alerts.sqlite3"))


def test_a_password_in_the_url_is_refused_without_echoing_it() -> None:
    [problem] = problems(f"database:\n  url: postgresql://citywall:{SECRET}@db.local/wall\n")
    assert problem.startswith("database.url line 4:")
    assert "must not carry a password" in problem and "password_env" in problem


def test_other_databases_and_broken_urls_are_refused_naming_the_field() -> None:
    [scheme] = problems("database:\n  url: mysql://citywall@db.local/wall\n")
    assert scheme.startswith("database.url line 4:") and "PostgreSQL" in scheme
    [port] = problems("database:\n  url: postgresql://citywall@db.local:99999/wall\n")
    assert "invalid port" in port
    [name] = problems("database:\n  url: postgresql://citywall@db.local\n")
    assert "names no database" in name


def test_an_unset_password_variable_is_named() -> None:
    [problem] = problems("database:\n  url: postgresql://citywall@db.local/wall\n  password_env: CW_DB_PW\n")
    assert problem.startswith("database.password_env line 5:") and "CW_DB_PW is not set" in problem


def test_a_drivers_message_never_shows_the_password() -> None:
    from app.adapters.storage.engines import store_error

    error = store_error(
        RuntimeError(f"connect to postgresql://u:{SECRET}@h/db failed password={SECRET}"), "h"
    )
    assert SECRET not in str(error)
    assert describe(f"postgresql://u:{SECRET}@h/db") == "postgresql://u:***@h/db"
