"""One form of text for the index and for queries, so that Urdu and Arabic match as people
expect: ``fold("حَبيبي")`` equals ``fold("حبیبی")``.

- NFKC folds presentation forms (shaped letters as some PDFs carry them) and ligatures back
  into ordinary letters;
- harakat and other marks written over or under letters (zabar, zer, pesh, shadda, sukun,
  tanween, the dagger alif, Quranic signs) and the tatweel are dropped: the same word is
  written with and without them;
- the Arabic letters that Urdu writes with its own code points are folded to Urdu's
  (yeh ي/ى → ی, kaf ك → ک, heh ه → ہ, teh marbuta ة → ۃ), since text typed on an Arabic
  keyboard or extracted from an Arabic font uses the former and an Urdu keyboard the latter.

Both backends index folded text and fold every query term, so they cannot disagree. The
stored text (``documents.PaperText``) keeps what the paper says, harakat included.
"""

from __future__ import annotations

import re
import unicodedata

# Harakat and Quranic annotation marks (U+064B–U+065F, U+0670, U+06D6–U+06ED, U+08D3–U+08FF)
# and the tatweel (U+0640), which only stretches a joined letter.
_MARKS = re.compile("[\u0640\u064b-\u065f\u0670\u06d6-\u06ed\u08d3-\u08ff]")
_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # ي Arabic yeh → ی Farsi/Urdu yeh
        "\u0649": "\u06cc",  # ى alef maksura → ی
        "\u0643": "\u06a9",  # ك Arabic kaf → ک keheh
        "\u0647": "\u06c1",  # ه heh → ہ heh goal
        "\u0629": "\u06c3",  # ة teh marbuta → ۃ teh marbuta goal
    }
)
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def fold(text: str) -> str:
    """``text`` as the index stores it and queries look for it."""
    if not text:
        return text or ""
    text = unicodedata.normalize("NFKC", text)
    if not _ARABIC.search(text):
        return text  # the common case costs one scan
    return _MARKS.sub("", text).translate(_LETTERS)
