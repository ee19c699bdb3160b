"""What the database backend's modules share: the index's tables, the text search
configuration, the batch size and the plain snippet."""

from __future__ import annotations

from search.models import FileDocument

TABLE = FileDocument._meta.db_table
FTS_TABLE = f"{TABLE}_fts"
# English stemming; Urdu words pass through it unchanged (no Urdu stemmer, no stop words).
TS_CONFIG = "english"
BATCH = 1000
SNIPPET_WORDS = 30


def first_words(text: str, n: int = SNIPPET_WORDS) -> str:
    words = (text or "").split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")
