"""Querysets of a fixed shape, compiled to SQL once and run with new values.

Django compiles a queryset to SQL on every evaluation: resolving its lookups and joins,
choosing the columns, quoting every name. On the pages every officer opens all day (the file
page, the staff layout's holdings, the signed-in user) that compilation cost as much as the
database's own work — about half of each read's time at 100,000 files ("What changed in
session 6: compiled reads", now in ``git log -p docs/benchmarks.md``). A ``CompiledQuery``
compiles its queryset once (once per shape of its list arguments, below), with marker
values in place of its arguments, and on each call runs the same SQL with the real values
in their places; the rows become model instances through Django's own iterables, so
``select_related``, ``values_list`` and converters behave exactly as for the plain queryset.

Rules for the function that builds the queryset:

- it takes only keyword arguments annotated ``int``, ``list[int]``, ``tuple[int, ...]``,
  ``str``, ``date`` or ``datetime`` (or none), and uses each only as a *value* in the query
  (``filter(file_id=file_id)``), never to decide the query's shape: the SQL is compiled
  from markers, so ``if ids:`` would always see markers;
- a list is matched with the ``any_of`` lookup (``pk__any_of=ids``): on PostgreSQL it is
  ``= ANY(%s)`` with the list as one array parameter, so the SQL is the same for any length
  (and ``= %s`` for a list of one, which PostgreSQL plans better; see ``AnyOf``);
- a tuple is for a query with a part per element (a UNION branch per section): it is
  compiled once per length, each element a value of its own;
- int arguments are ids (the markers are negative ids), converted with ``int()`` as Django's
  id fields convert them;
- it must not read the language, the time or anything else that is not an argument.

On any database other than PostgreSQL the queryset is simply built with the real values and
evaluated, as it would be without this module (``any_of`` is then an ordinary ``IN``). So
SQLite development runs the plain ORM, and the tests on PostgreSQL (CI) run both and check
they agree (``tests/workspace/test_compiled.py``, ``tests/cgu/test_compiled_reads.py``).

Reads that do not depend on each other may go to PostgreSQL in one message:
``together(read_a.bind(file_id=…), read_b.bind(…))`` returns each one's rows as it alone
would (the file page's eight reads: one round trip, not eight).
"""

from __future__ import annotations

import copy
import inspect
import threading
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models.lookups import In

# Markers: values no query of Daftar's carries (ids are positive; no record is dated in the
# first century), distinct per argument so each parameter slot is known. The int marker is
# within a 32-bit integer column's range: Django answers "no rows" without SQL for a value
# outside the column's range (``EmptyResultSet``).
_INT_MARKER = -2_000_000_000
_TIME_MARKER = datetime(1, 1, 1, tzinfo=UTC)


class AnyOf(In):
    """``field__any_of=[...]``: ``IN`` everywhere; on PostgreSQL ``= %s`` for one value and
    ``= ANY(%s)`` with one array parameter for any other number, so a compiled query needs
    two statements, not one per length. One value stays a plain ``=``: PostgreSQL reads an
    index in order for ``= 5`` (an inbox's first 51 rows of 1,300), but not for
    ``= ANY('{5}')`` (all 1,300, then a sort: 0.09 → 2.1 ms)."""

    lookup_name = "any_of"

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if len(values) == 1:
            return f"{lhs} = %s", (*lhs_params, values[0])
        return f"{lhs} = ANY(%s)", (*lhs_params, values)


models.IntegerField.register_lookup(AnyOf)
models.ForeignKey.register_lookup(AnyOf)


class CompiledQuery:
    """``build(**values) -> QuerySet``, compiled once per database; call it with the values.

    Returns the evaluated rows as a list (model instances, or what ``values_list`` gives).
    A query is compiled once for each *shape* of its arguments: for a ``list[int]``, whether
    it holds one value or another number (see ``AnyOf``); for a ``tuple[int, ...]``, its
    length — a tuple is for a builder that makes a part of the query per element (a branch
    of a UNION per section), so each element is a value of its own."""

    def __init__(self, build: Callable[..., models.QuerySet]):
        self.build = build
        self.__doc__ = build.__doc__
        self.__name__ = build.__name__
        hints = typing.get_type_hints(build)
        self._markers: dict[str, object] = {}  # name: the marker (of each element, for lists)
        self._kinds: dict[str, str] = {}  # name: "value", "list" or "tuple"
        for i, name in enumerate(inspect.signature(build).parameters):
            kind = hints.get(name)
            self._kinds[name] = "value"
            if kind is int:
                self._markers[name] = _INT_MARKER - i
            elif kind == list[int]:
                self._markers[name] = _INT_MARKER - i
                self._kinds[name] = "list"
            elif kind == tuple[int, ...]:
                self._markers[name] = _INT_MARKER - 1000 * (i + 1)  # minus the element's index
                self._kinds[name] = "tuple"
            elif kind is datetime:
                self._markers[name] = _TIME_MARKER.replace(microsecond=i)
            elif kind is date:
                self._markers[name] = date(1, 1, 1 + i)
            elif kind is str:
                self._markers[name] = f"\u27e8compiled marker {i}\u27e9"
            else:
                raise TypeError(
                    f"{build.__name__}: argument {name} must be int, list[int], "
                    "tuple[int, ...], str, date or datetime"
                )
        self._shaped = [name for name, kind in self._kinds.items() if kind != "value"]
        self._compiled: dict[tuple, tuple] = {}  # by shape
        self._lock = threading.Lock()

    def first(self, **values):
        """The first row, or None: for a read by key, or one cut at ``[:1]``."""
        rows = self(**values)
        return rows[0] if rows else None

    def _shape(self, values) -> tuple:
        return tuple(
            len(values[name]) == 1 if self._kinds[name] == "list" else len(values[name])
            for name in self._shaped
        )

    def __call__(self, **values) -> list:
        compiled, params = self._prepare(values)
        if compiled[0] is None:  # not PostgreSQL: the plain queryset
            return list(self.build(**values))
        return self._rows(compiled, params)

    def bind(self, **values) -> Bound:
        """This read with these values, to be run with others in one round trip
        (``together``)."""
        self._prepare(values)  # checks the arguments now, where the caller names them
        return Bound(self, values)

    def _prepare(self, values) -> tuple[tuple, list | None]:
        """The compiled shape for ``values`` and its parameters with the values in place."""
        if values.keys() != self._markers.keys():
            raise TypeError(f"{self.__name__} takes {sorted(self._markers)}, got {sorted(values)}")
        shape = self._shape(values)
        compiled = self._compiled.get(shape) or self._compile(shape)
        if compiled[0] is None:
            return compiled, None
        template, compiler, sql, params, slots, _ = compiled
        params = list(params)
        for index, name, item in slots:
            value = values[name]
            if item is None:
                value = [int(v) for v in value]
            elif item >= 0:
                value = int(value[item])
            elif isinstance(self._markers[name], int):
                value = int(value)  # as Django's id fields convert them: "12" is 12, "x" fails
            params[index] = value
        return compiled, params

    def _rows(self, compiled, params, fetched: list | None = None) -> list:
        """The rows, built by the queryset's own iterable from the compiled statement run with
        ``params`` — or from ``fetched``, the statement's rows already read by ``together``."""
        template, compiler, sql, _, _, (converters, composite) = compiled
        ready = copy.copy(compiler)
        ready.connection = connections[template.db]  # this thread's, not the compiling one's
        ready.as_sql = lambda *args, **kwargs: (sql, params)
        # What results_iter works out anew for every evaluation, from the same select list:
        # a fifth of the file page's reads' CPU (docs/benchmarks.md, session 13).
        ready.get_converters = lambda expressions: converters
        ready.has_composite_fields = lambda expressions: composite
        if fetched is not None:
            if compiler.has_extra_select:  # as execute_sql trims them
                fetched = [row[: compiler.col_count] for row in fetched]
            ready.execute_sql = lambda *args, **kwargs: [fetched]  # one chunk: every row
        run = template._chain()
        run.query.get_compiler = lambda *args, **kwargs: ready
        return list(run)

    def _compile(self, shape: tuple) -> tuple:
        with self._lock:
            if shape in self._compiled:
                return self._compiled[shape]
            markers = dict(self._markers)
            # Each parameter that is a marker: (argument, element) — element None for a
            # whole list (one array parameter), -1 for a plain value.
            wanted: list[tuple[object, str, int | None]] = []
            for name, kind in self._kinds.items():
                base = self._markers[name]
                if kind == "value":
                    wanted.append((base, name, -1))
                elif kind == "list":
                    one = shape[self._shaped.index(name)]
                    markers[name] = [base] * (1 if one else 2)
                    wanted.append((markers[name], name, None) if not one else (base, name, 0))
                else:
                    length = shape[self._shaped.index(name)]
                    markers[name] = tuple(base - j for j in range(length))
                    wanted.extend((base - j, name, j) for j in range(length))
            queryset = self.build(**markers)
            if connections[queryset.db].vendor != "postgresql":
                self._compiled[shape] = (None,)
                return self._compiled[shape]
            compiler = queryset.query.get_compiler(using=queryset.db)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                raise TypeError(
                    f"{self.__name__}: a marker is outside its column's range "
                    "(int arguments must be ids, compared with id columns)"
                ) from None
            slots = [
                (index, name, item)
                for index, param in enumerate(params)
                for marker, name, item in wanted
                if type(param) is type(marker) and param == marker
            ]
            missing = {(name, item) for _, name, item in wanted} - {
                (name, item) for _, name, item in slots
            }
            if missing:
                raise TypeError(
                    f"{self.__name__}: {sorted(name for name, _ in missing)} never reach the "
                    "SQL as a value (a compiled query may use its arguments only as values)"
                )
            # The converters of the selected columns are the fields' own (PostgreSQL's
            # operations add none), each called with the connection of the thread that runs
            # the read (``apply_converters`` passes it): kept with the statement.
            fields = [column[0] for column in compiler.select[: compiler.col_count]]
            rows = (compiler.get_converters(fields), compiler.has_composite_fields(fields))
            self._compiled[shape] = (queryset, compiler, sql, tuple(params), tuple(slots), rows)
            return self._compiled[shape]


class Bound(typing.NamedTuple):
    """A compiled read and the values to run it with (``CompiledQuery.bind``)."""

    read: CompiledQuery
    values: dict

    def statement(self) -> tuple[str, list] | None:
        """The read's SQL and parameters, for a caller that sends it in one message with its
        own statements (as ``together`` does; the search statement and the re-check of its
        page): the caller reads the read's result with ``nextset`` and hands the rows to
        ``rows``. None where the read cannot travel so — not PostgreSQL, or server-side
        binding (one statement a message): then call the read alone."""
        compiled, params = self.read._prepare(self.values)
        if compiled[0] is None or _server_side_binding(compiled[0].db):
            return None
        return compiled[2], params

    def rows(self, fetched: list) -> list:
        """The rows the read alone would return, built from ``fetched``: the rows of its
        ``statement()`` as the cursor returned them."""
        compiled, params = self.read._prepare(self.values)
        return self.read._rows(compiled, params, fetched)


def _server_side_binding(db: str) -> bool:
    return bool(connections[db].settings_dict["OPTIONS"].get("server_side_binding"))


def together(*reads: Bound) -> list[list]:
    """Run compiled reads that do not depend on each other in one round trip; their rows, in
    the order given, each as the read alone returns them.

    The statements go to PostgreSQL as one message, separated by semicolons (as
    ``search.backends.database.postgres`` sends its settings with its statement; psycopg's
    client-side binding, Django's default, allows it), and each result is read in turn
    (``nextset``). On a page of a dozen small reads the round trips, not PostgreSQL's work,
    were most of their time (docs/benchmarks.md, session 13). Elsewhere — another database,
    server-side binding, reads on different databases — each read runs alone."""
    prepared = [(bound.read, *bound.read._prepare(bound.values)) for bound in reads]
    dbs = {compiled[0].db for _, compiled, _ in prepared if compiled[0] is not None}
    alone = (
        len(prepared) < 2
        or any(compiled[0] is None for _, compiled, _ in prepared)
        or len(dbs) != 1
        or _server_side_binding(next(iter(dbs)))
    )
    if alone:
        return [bound.read(**bound.values) for bound in reads]
    sql = "; ".join(compiled[2] for _, compiled, _ in prepared)
    params = [value for _, _, values in prepared for value in values]
    fetched = []
    with connections[next(iter(dbs))].cursor() as cursor:
        cursor.execute(sql, params)
        for i in range(len(prepared)):
            if i and not cursor.nextset():
                raise RuntimeError("together: fewer results than statements")
            fetched.append(cursor.fetchall())
    return [
        read._rows(compiled, values, rows)
        for (read, compiled, values), rows in zip(prepared, fetched, strict=True)
    ]


def compiled(build: Callable[..., models.QuerySet]) -> CompiledQuery:
    """Decorator: ``@compiled def movements_of(*, file_id: int): return Movement.objects…``."""
    return CompiledQuery(build)


def by_id(model, *related: str) -> Callable[..., dict]:
    """``by_id(Department)(ids)``: the rows of ``model`` (with ``related`` selected) whose keys
    are among ``ids``, as ``{pk: row}``, by one compiled read. For the names a page looks up
    by the ids its other rows carry."""

    def build(*, ids: list[int]):
        return model._default_manager.filter(pk__any_of=ids).select_related(*related).order_by()

    build.__name__ = f"{model.__name__.lower()}_by_id"
    read = compiled(build)

    def rows_by_id(ids) -> dict:
        return {row.pk: row for row in read(ids=sorted(set(ids)))}

    rows_by_id.query = read  # the compiled read itself (the tests compare it with its queryset)
    return rows_by_id
