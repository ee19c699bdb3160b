"""The rule of issue 8 as the report applies it: no timing is measured here, only judged."""

from benchmark.report import Latency, percentile, table
from benchmark.runner import buffer_misses


def figure(ms, floor, queries=None, **kwargs):
    return Latency(
        "op", 100, ms=list(ms), floor_ms=list(floor), queries=queries or [3] * len(ms), **kwargs
    )


def test_percentile_interpolates_like_numpy():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([10], 95) == 10
    assert percentile([], 95) is None


def test_over_the_rule_is_p95_above_twice_the_floor_plus_20_ms():
    assert figure([24] * 20, [2] * 20).over_rule is False  # limit 24: not over
    assert figure([24.5] * 20, [2] * 20).over_rule is True
    assert figure([24.5] * 20, [2.5] * 20).over_rule is False  # a slower floor lifts the limit


def test_a_varying_query_count_is_flagged():
    assert figure([1, 1], [1, 1], queries=[4, 5]).queries_vary is True
    assert figure([1, 1], [1, 1], queries=[4, 4]).queries_vary is False


def test_a_background_job_is_timed_but_not_judged():
    job = figure([900] * 5, [2] * 5, background=True)
    line = job.as_json()
    assert line["p95_ms"] == 900 and line["background"] is True
    assert line["over_rule"] is None
    assert "background job" in table([job]) and "OVER" not in table([job])
    assert "OVER" in table([figure([900] * 5, [2] * 5)])


def test_an_operation_with_its_own_floor_is_judged_by_it():
    """Rendering and signing a letter: 1 s (issue 23), not twice the floor plus 20 ms."""
    letter = figure([300] * 20, [2] * 20, own_limit_ms=1000)
    assert letter.limit_ms == 1000 and letter.over_rule is False
    assert figure([1200] * 20, [2] * 20, own_limit_ms=1000).over_rule is True
    assert "OVER" not in table([letter])


def test_buffer_misses_are_the_share_of_blocks_read_from_outside_shared_buffers():
    missed = buffer_misses((1_000, 10), (1_900, 110), 100)  # 900 hits, 100 reads
    assert missed.value == 10.0 and missed.unit == "%"
    assert missed.as_json()["blocks_read"] == 100
    assert buffer_misses((5, 5), (5, 5), 100) is None  # nothing read: no figure
    assert buffer_misses(None, None, 100) is None  # not PostgreSQL
