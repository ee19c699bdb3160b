"""Bulk writing for the generator: rows as tuples per table, written a batch at a time.

On PostgreSQL each table's rows go in with ``COPY … FROM STDIN`` (psycopg 3 ``cursor.copy``),
in one transaction per batch with ``synchronous_commit`` off, and — when the connection is a
superuser's — with ``session_replication_role = replica``, which is how ``pg_restore
--disable-triggers`` loads data: no foreign-key checks per row and none of the append-only
triggers (the generator writes only inserts, with ids it allocated itself; ``verify`` checks
the references in bulk afterwards). On SQLite (small N only) rows go through ``executemany``
with each field's own conversion.

Columns are named by field and checked against the model when a table is declared, so a field
added later that the generator does not fill fails loudly here rather than in the middle of a
load.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable

from django.db import connection, models, transaction
from viewflow.workflow.fields import TokenField
from viewflow.workflow.token import Token

Progress = Callable[[str], None]
WRITERS = 2  # COPY connections at once (the machine this was tuned on has two cores)


class GeneratorOutOfDate(RuntimeError):
    pass


class Table:
    """The rows of one table for the current batch."""

    def __init__(self, model: type[models.Model], field_names: list[str]):
        self.model = model
        self.db_table = model._meta.db_table
        self.fields = [model._meta.get_field(name) for name in field_names]
        self.columns = [f.column for f in self.fields]
        self.rows: list[tuple] = []
        self.add = self.rows.append  # the hot path: table.add((v1, v2, …))
        self.written = 0
        self._check_complete(field_names)

    def _check_complete(self, names: list[str]) -> None:
        # Fields of this table (not inherited ones) that need a value the database won't give.
        given = set(names)
        for field in self.model._meta.local_concrete_fields:
            if field.name in given or field.null or field.primary_key:
                continue
            if getattr(field, "db_default", models.NOT_PROVIDED) is not models.NOT_PROVIDED:
                continue
            raise GeneratorOutOfDate(
                f"{self.model._meta.label}.{field.name} is not filled by the benchmark "
                "generator; add it in benchmark/generate.py"
            )


class Sink:
    """Tables declared first, filled per batch, then written.

    On PostgreSQL outside a transaction, batches are written by background threads on their
    own connections while the next batch is generated (one batch in flight per writer bounds
    memory; several writers only when foreign-key checks are off), and
    the plain indexes of the tables are dropped for the load and built again at the end —
    several times cheaper than maintaining them row by row, as ``pg_restore`` knows. Inside a
    transaction (the test suite) everything happens on the caller's connection.
    """

    def __init__(self, progress: Progress):
        self.tables: list[Table] = []
        self.progress = progress
        self.vendor = connection.vendor
        self.replica = False
        self.background = False
        self.rows_written = 0
        self.seconds = {"indexes": 0.0}
        self._queues: list[queue.Queue] = []
        self._threads: list[threading.Thread] = []
        self._error: BaseException | None = None
        self._count_lock = threading.Lock()
        self._indexes: list[tuple[str, str]] = []

    def table(self, model, field_names: list[str]) -> Table:
        table = Table(model, field_names)
        self.tables.append(table)
        return table

    # -------------------------------------------------------------- start and finish
    def __enter__(self) -> Sink:
        if self.vendor != "postgresql":
            return self
        self.background = not connection.in_atomic_block
        if self.background:
            self.replica = self._superuser()
            self.drop_indexes()
            # Without foreign-key checks, tables can go in on separate connections, each in its
            # own transaction; with them, one writer keeps every batch in one transaction.
            for k in range(WRITERS if self.replica else 1):
                self._queues.append(queue.Queue(maxsize=1))
                thread = threading.Thread(
                    target=self._work, args=(self._queues[k],), name=f"bench-copy-{k}", daemon=True
                )
                thread.start()
                self._threads.append(thread)
        else:
            self._session(on=True)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.vendor != "postgresql":
            return
        if self.background:
            for q in self._queues:
                q.put(None)
            for thread in self._threads:
                thread.join()
            self.build_indexes()
            if self._error is not None and exc is None:
                raise self._error
        else:
            self._session(on=False)

    @staticmethod
    def _superuser() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            return bool(cursor.fetchone()[0])

    def _session(self, *, on: bool) -> None:
        with connection.cursor() as cursor:
            if on:
                self.replica = self._superuser()
                if self.replica:
                    cursor.execute("SET session_replication_role = replica")
                cursor.execute("SET synchronous_commit = off")
            else:
                if self.replica:
                    cursor.execute("SET session_replication_role = DEFAULT")
                cursor.execute("SET synchronous_commit = DEFAULT")

    def drop_indexes(self) -> None:
        names = sorted({t.db_table for t in self.tables})
        with connection.cursor() as cursor:
            # Plain indexes only: those behind primary keys and unique constraints stay.
            cursor.execute(
                """
                SELECT i.indexname, i.indexdef, i.tablename FROM pg_indexes i
                WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                  AND NOT EXISTS (
                      SELECT 1 FROM pg_constraint c
                      WHERE c.conindid = format('%%I.%%I', i.schemaname, i.indexname)::regclass)
                ORDER BY i.tablename, i.indexname
                """,
                [names],
            )
            self._indexes = cursor.fetchall()
            for name, _definition, _table in self._indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        self.progress(f"  {len(self._indexes)} indexes dropped for the load")

    def build_indexes(self) -> None:
        """Build the dropped indexes again on ``WRITERS`` connections at once, the biggest
        tables' first: a GIN index or a small table's btree is built by one process, so one
        connection after another left a core idle for part of the build (1M files: 87-91 s
        on one connection, 82 s on two; the big btrees already sort on both CPUs)."""
        if not self._indexes:
            return
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t, pg_relation_size(format('%%I', t)::regclass) FROM unnest(%s::text[]) t",
                [sorted({table for _n, _d, table in self._indexes})],
            )
            sizes = dict(cursor.fetchall())
        pending: queue.PriorityQueue = queue.PriorityQueue()  # the biggest table first
        for _name, definition, table in self._indexes:
            pending.put((-sizes[table], definition))
        errors: list[BaseException] = []

        def build():
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SET maintenance_work_mem = '512MB'")
                    cursor.execute("SET max_parallel_maintenance_workers = 1")
                    while not errors:
                        try:
                            _size, definition = pending.get_nowait()
                        except queue.Empty:
                            return
                        cursor.execute(definition)
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=build) for _ in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
        self.seconds["indexes"] = time.perf_counter() - started
        self.progress(f"  {len(self._indexes)} indexes built in {self.seconds['indexes']:.1f} s")
        self._indexes = []

    # -------------------------------------------------------------- writing
    def flush(self) -> None:
        """Hand this batch's rows over (to the writer thread, or write them now)."""
        if self._error is not None:
            raise self._error
        batch = []
        for table in self.tables:
            if table.rows:
                batch.append((table, table.rows))
                table.written += len(table.rows)
                table.rows = []
                table.add = table.rows.append
        if not self.background:
            self._write_batch(batch)
            return
        # Share the tables out so that each writer gets about as many rows.
        groups: list[list] = [[] for _ in self._queues]
        sizes = [0] * len(groups)
        for item in sorted(batch, key=lambda item: -len(item[1])):
            k = sizes.index(min(sizes))
            groups[k].append(item)
            sizes[k] += len(item[1])
        for q, group in zip(self._queues, groups, strict=True):
            q.put(group)  # waits while that writer is still on the previous batch

    def _work(self, source: queue.Queue) -> None:
        try:
            self._session(on=True)
            while (batch := source.get()) is not None:
                if self._error is None:
                    self._write_batch(batch)
        except BaseException as exc:  # handed to the main thread at its next flush
            self._error = exc
            while source.get() is not None:  # let the producer finish
                pass
        finally:
            connection.close()

    def _write_batch(self, batch) -> None:
        with transaction.atomic():
            for table, rows in batch:
                self._write(table, rows)
                with self._count_lock:
                    self.rows_written += len(rows)

    def _write(self, table: Table, rows: list[tuple]) -> None:
        columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
        table_name = connection.ops.quote_name(table.db_table)
        if self.vendor == "postgresql":
            copy_sql = f"COPY {table_name} ({columns}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
                write = copy.write_row
                for row in rows:
                    write(row)
            return
        marks = ", ".join(["%s"] * len(table.columns))
        # Names come from the models, values are parameters.
        sql = f"INSERT INTO {table_name} ({columns}) VALUES ({marks})"  # noqa: S608
        fields = table.fields
        values = [
            [
                f.get_db_prep_save(_python(f, v), connection)
                for f, v in zip(fields, row, strict=True)
            ]
            for row in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)

    def counts(self) -> dict[str, int]:
        return {t.db_table: t.written for t in self.tables}


def _python(field, value):
    # COPY takes JSON and Viewflow's token as text; the ORM's fields want Python values.
    if isinstance(field, models.JSONField) and isinstance(value, str):
        return json.loads(value)
    if isinstance(field, TokenField) and isinstance(value, str):
        return Token(value)
    return value
