"""Tracking references: short, typeable, random, with a check character that catches every
single wrong character and every swap of neighbours."""

import itertools
import re

import pytest

from workspace import tracking
from workspace.tracking import ALPHABET, LENGTH


def test_reference_is_ten_unambiguous_characters_with_a_valid_check():
    for _ in range(1000):
        ref = tracking._random_reference()
        assert len(ref) == LENGTH == 10
        assert re.fullmatch(r"[2-9A-HJ-NP-Z]{10}", ref), ref
        assert not set(ref) & set("01OI")
        assert tracking.is_valid(ref)


def test_references_are_unique_and_not_sequential_over_many():
    refs = [tracking._random_reference() for _ in range(100_000)]
    assert len(set(refs)) == len(refs)
    # Not sequential: consecutive references share no long common prefix as counters would.
    same_prefix = sum(a[:6] == b[:6] for a, b in itertools.pairwise(refs))
    assert same_prefix < 5
    # Every symbol turns up in every position of the random part.
    for position in range(LENGTH - 1):
        assert {r[position] for r in refs[:5000]} == set(ALPHABET)


@pytest.mark.django_db
def test_new_reference_is_not_already_used(monkeypatch, org):
    from tests.portal_pages.factories import CitizenReceiptFactory

    taken = CitizenReceiptFactory(holding_post=org.asst).tracking_ref
    fresh = tracking._random_reference()
    answers = iter([taken, fresh])
    monkeypatch.setattr(tracking, "_random_reference", lambda: next(answers))
    assert tracking.new_reference() == fresh


def test_check_character_catches_every_single_substitution():
    for _ in range(200):
        ref = tracking._random_reference()
        for i in range(LENGTH):
            for ch in ALPHABET:
                if ch != ref[i]:
                    assert not tracking.is_valid(ref[:i] + ch + ref[i + 1 :]), (ref, i, ch)


def test_check_character_catches_every_adjacent_transposition():
    # Exhaustively: every ordered pair of symbols at every pair of neighbouring positions,
    # the check character recomputed so the original is valid; the swap never is.
    for _ in range(10):
        ref = tracking._random_reference()
        for i in range(LENGTH - 2):  # both in the random part
            for a, b in itertools.permutations(ALPHABET, 2):
                body = ref[:i] + a + b + ref[i + 2 : LENGTH - 1]
                original = body + tracking.check_character(body)
                swapped = original[:i] + b + a + original[i + 2 :]
                assert tracking.is_valid(original)
                assert not tracking.is_valid(swapped), (original, i)
        for a in ALPHABET:  # the last random symbol and the check character
            body = ref[: LENGTH - 2] + a
            original = body + tracking.check_character(body)
            if original[-1] != original[-2]:
                swapped = original[:-2] + original[-1] + original[-2]
                assert not tracking.is_valid(swapped), original


def test_input_is_normalised():
    ref = tracking._random_reference()
    shown = tracking.display(ref)
    assert shown == f"{ref[:5]}-{ref[5:]}"
    for typed in [shown, shown.lower(), f"  {ref[:3]} {ref[3:7]} – {ref[7:]} ", ref.lower()]:
        assert tracking.normalise(typed) == ref
        assert tracking.is_valid(typed)


@pytest.mark.parametrize(
    "bad", ["", "ABC", "K7M2Q-X9PT", "K7M2Q-X9PT4Z", "00000-00000", "OIOIO-OIOIO"]
)
def test_malformed_references_are_not_valid(bad):
    assert not tracking.is_valid(bad)
