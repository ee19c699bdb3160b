"""The benchmark's own database: which ones it may write to, creating and migrating it, and
the record of the dataset it holds.

The generator writes a whole synthetic office, so it refuses any database that is not plainly
a benchmark's: on PostgreSQL the name must contain ``bench`` (or be a test database, named
``test_…`` by Django's test runner); never ``test`` itself (CI's), nor anyone else's. SQLite is
accepted for small N only (``SQLITE_MAX_FILES``): it has no COPY, and its figures say little
about PostgreSQL's (no row locks, another planner, no concurrent writers), so they would
mislead at scale.
"""

from __future__ import annotations

import json

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor

SQLITE_MAX_FILES = 2000
TABLE = "benchmark_dataset"


class NotABenchDatabase(Exception):
    pass


def name() -> str:
    return str(connection.settings_dict["NAME"])


def is_test_database() -> bool:
    n = name()
    return n.startswith("test_") or "memorydb" in n or "mode=memory" in n


def check_allowed(files: int) -> None:
    n = name()
    vendor = connection.vendor
    if vendor == "postgresql":
        if "bench" in n.lower() or is_test_database():
            return
        raise NotABenchDatabase(
            f"refusing to write a synthetic office into the database {n!r}: use a database of "
            "its own whose name contains 'bench', e.g. --database-url "
            "postgres://postgres@127.0.0.1:5432/daftar_bench"
        )
    if vendor == "sqlite":
        if not ("bench" in n.lower() or is_test_database()):
            raise NotABenchDatabase(
                f"refusing to write into {n!r}: point DATABASE_URL at a benchmark database"
            )
        if files > SQLITE_MAX_FILES:
            raise NotABenchDatabase(
                f"SQLite is for at most {SQLITE_MAX_FILES:,} files: it has no COPY, and its "
                "figures do not predict PostgreSQL's. Use --database-url postgres://…"
            )
        return
    raise NotABenchDatabase(f"unsupported database vendor {vendor!r}")


# ------------------------------------------------------------------ PostgreSQL administration
def _admin():
    """A connection to the server's maintenance database, for CREATE and DROP DATABASE."""
    import psycopg

    d = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        user=d.get("USER") or None,
        password=d.get("PASSWORD") or None,
        host=d.get("HOST") or None,
        port=d.get("PORT") or None,
        autocommit=True,
    )


def exists() -> bool:
    if connection.vendor != "postgresql":
        return True
    with _admin() as admin:
        return (
            admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name()]).fetchone()
            is not None
        )


def create(*, drop: bool = False) -> None:
    """Create the database (dropping it first when asked). Only a benchmark's: see above."""
    from psycopg import sql

    if connection.vendor != "postgresql" or is_test_database():
        return
    check_allowed(0)
    connections.close_all()
    with _admin() as admin:
        if drop:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name())))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name())))


def migrate_if_needed(progress) -> bool:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return False
    progress(f"  applying {len(plan)} migrations (a minute or two on a fresh database)")
    call_command("migrate", interactive=False, verbosity=0)
    return True


# ------------------------------------------------------------------ the dataset record
def _ensure_table() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (id serial PRIMARY KEY, "
                "created_at timestamptz NOT NULL DEFAULT now(), files integer NOT NULL, "
                "details text NOT NULL)"
            )
        else:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY AUTOINCREMENT, "
                "created_at text NOT NULL DEFAULT CURRENT_TIMESTAMP, files integer NOT NULL, "
                "details text NOT NULL)"
            )


def read_dataset() -> dict | None:
    """The last dataset generated here, or None."""
    if TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT files, details FROM {TABLE} ORDER BY id DESC LIMIT 1")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        return None
    details = json.loads(row[1])
    details["files"] = row[0]
    return details


def write_dataset(files: int, details: dict) -> None:
    _ensure_table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (files, details) VALUES (%s, %s)",  # noqa: S608
            [files, json.dumps(details, default=str)],
        )
