"""The generator's files written by two processes at once (``benchmark.parallel``): keys,
file and diary numbers and tracking references never clash, the counters go on from every
process's numbers, and the data is what the one-process generator's is (custody, index)."""

from collections import defaultdict
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.models import Max

from benchmark import parallel
from benchmark.files import Ids
from benchmark.generate import generate
from benchmark.shape import Shape
from workspace import custody, tracking
from workspace.models import Counter, File, Movement, Receipt

FILES = 2000


def dept(id_, weight):
    return SimpleNamespace(id=id_, weight=weight)


def test_departments_split_by_weight_and_files_by_share():
    depts = [dept(1, 5.0), dept(2, 3.0), dept(3, 2.0), dept(4, 1.0), dept(5, 1.0)]
    sets = parallel.split(depts, 2)
    assert sorted(d.id for s in sets for d in s) == [1, 2, 3, 4, 5]
    assert [sum(d.weight for d in s) for s in sets] == [6.0, 6.0]
    assert parallel.shares(1001, sets) == [500, 501]
    assert sum(parallel.shares(7, parallel.split(depts, 3))) == 7


def test_interleaved_keys_never_meet():
    a, b = Ids.__new__(Ids), Ids.__new__(Ids)
    for ids, part in ((a, 0), (b, 1)):
        ids.names, ids.file = ["file"], 40
        ids.interleave(part, 2)
    taken = []
    for ids in (a, b, a, a, b):
        ids.file += ids.step
        taken.append(ids.file)
    assert taken == [41, 42, 43, 45, 44]


def test_numbers_given_by_two_processes_are_refused():
    one = parallel.Written(serials={(1, 2, 2026): 4}, diary={(1, 2026): 9})
    two = parallel.Written(serials={(3, 2, 2026): 1}, diary={(1, 2026): 2})
    with pytest.raises(RuntimeError, match="numbered"):
        one.add(two)


@pytest.mark.django_db(transaction=True)
def test_two_processes_write_an_office_daftar_accepts():
    if connection.vendor != "postgresql":
        pytest.skip("several generator processes only on PostgreSQL (SQLite has one writer)")
    messages = []
    generated = generate(Shape(files=FILES, batch=500), messages.append, with_base=False)
    assert any("2 processes" in m for m in messages), messages

    assert File.objects.count() == FILES == sum(generated.stats.values())
    file_ids = list(File.objects.values_list("pk", flat=True))
    assert {pk % 2 for pk in file_ids} == {0, 1}  # both processes' keys
    assert custody.disagreements() == []

    # File numbers: each (section, subject head, year) counts 1, 2, 3… with no gap, and its
    # counter stands at the last, so the services number on without a clash.
    counters = dict(Counter.objects.values_list("scope", "value"))
    serials = defaultdict(list)
    for section, head, year, serial in File.objects.values_list(
        "section", "subject_head", "year", "serial"
    ):
        serials[(section, head, year)].append(serial)
    for (section, head, year), numbers in serials.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
        assert counters[f"file:{section}:{head}:{year}"] == len(numbers)
    diary = defaultdict(list)
    for section, year, number in Receipt.objects.values_list(
        "section", "diary_year", "diary_number"
    ):
        diary[(section, year)].append(number)
    for (section, year), numbers in diary.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
        assert counters[f"diary:{section}:{year}"] == len(numbers)

    refs = list(Receipt.objects.exclude(tracking_ref=None).values_list("tracking_ref", flat=True))
    assert refs and all(tracking.is_valid(ref) for ref in refs)

    # Sequences go on past the interleaved keys.
    top = Movement.objects.aggregate(m=Max("pk"))["m"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('workspace_movement', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute(f"SELECT last_value FROM {sequence}")  # noqa: S608
        assert cursor.fetchone()[0] >= top

    from search.models import FileDocument

    assert FileDocument.objects.count() == FILES
