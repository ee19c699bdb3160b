"""What a person typed into the search box, taken apart once for every backend.

Supported: words (all must match), ``"quoted phrases"``, ``-word`` to exclude, and file
numbers or parts of them (``12-3/2025``, ``SO(B-I)/12-3``), which match the file number's
slash-separated parts rather than the text. Anything else is treated as words; a query never
fails to parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from search.normalise import fold

MAX_QUERY_CHARS = 300
MAX_TERMS = 16

_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
# A file-number fragment: has a slash, or is digits joined by a dash (12-3). Such a token
# matches either a whole part of a file number or the same characters in the text
# ("2025-26" in a subject).
_NUMBERISH = re.compile(r"/|\d-\d")
_NUMBER_CHARS = re.compile(r"[^0-9A-Za-z/()\-.]")


def number_key(number: str) -> str:
    """The form file numbers are compared in: no spaces, upper case."""
    return re.sub(r"\s+", "", number or "").upper()


def number_parts(number: str) -> list[str]:
    """Every run of whole parts of a file number, lower-cased, where parts are separated by
    ``/`` or ``-``: ``FD/SO(B-I)/12-3/2025`` → ``fd``, ``fd/so(b``, … ``so(b-i)/12``,
    ``12-3/2025``, ``3/2025``, ``2025``.

    A fragment matches a number when it is one of these, so ``12-3/2025`` and ``3/2025``
    find the file and ``3/2025`` does not find ``12-13/2025``."""
    pieces = re.split(r"([/-])", number_key(number).lower())
    tokens, separators = pieces[0::2], pieces[1::2]
    runs = set()
    for i, first in enumerate(tokens):
        if not first:
            continue
        run = first
        runs.add(run)
        for j in range(i + 1, len(tokens)):
            if not tokens[j]:
                break
            run += separators[j - 1] + tokens[j]
            runs.add(run)
    return sorted(runs)


def clean_number_fragment(token: str) -> str:
    """A query fragment as a number part: lower-case, only the characters numbers use, no
    leading or trailing slash."""
    return _NUMBER_CHARS.sub("", token).strip("/").lower()


@dataclass(frozen=True)
class ParsedQuery:
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)

    @property
    def has_positive(self) -> bool:
        return bool(self.words or self.phrases or self.numbers)

    @property
    def has_text(self) -> bool:
        return bool(self.words or self.phrases)

    @property
    def is_empty(self) -> bool:
        return not self.has_positive

    def websearch(self) -> str:
        """The text part re-written in PostgreSQL's websearch syntax with every term quoted,
        so that words such as ``or`` stay words and the string always parses."""
        parts = [f'"{w}"' for w in self.words] + [f'"{p}"' for p in self.phrases]
        if parts:
            parts += [f'-"{x}"' for x in self.excluded]
        return " ".join(parts)

    def text_terms(self) -> list[str]:
        return self.words + self.phrases


def _clean(text: str) -> str:
    # Quotes and control characters have meaning to the engines; the words never need them.
    return re.sub(r'["\x00-\x1f\\]', " ", text).strip()


def parse(raw: str | None) -> ParsedQuery:
    """Split the query into words, phrases, exclusions and number fragments."""
    # Folded as the index is (harakat dropped, Arabic letters as Urdu's): see search.normalise.
    raw = fold((raw or "")[:MAX_QUERY_CHARS])
    words: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    numbers: list[str] = []
    for match in _TOKEN.finditer(raw):
        if len(words) + len(phrases) + len(excluded) + len(numbers) >= MAX_TERMS:
            break
        negate, quoted, bare = match.groups()
        if quoted is not None:
            text = " ".join(_clean(quoted).split())
            if not re.search(r"\w", text):
                continue
            target = excluded if negate else (phrases if " " in text else words)
            target.append(text)
            continue
        token = bare
        negate = token.startswith("-") and len(token) > 1
        if negate:
            token = token[1:]
        if not negate and _NUMBERISH.search(token):
            fragment = clean_number_fragment(token)
            if fragment:
                numbers.append(fragment)
            continue
        text = _clean(token)
        if not re.search(r"\w", text):
            continue
        (excluded if negate else words).append(text)
    return ParsedQuery(words=words, phrases=phrases, excluded=excluded, numbers=numbers)
