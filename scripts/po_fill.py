"""Fill Urdu translations into locale/ur/LC_MESSAGES/django.po from a JSON dictionary.

    python scripts/po_fill.py translations.json   # {"English msgid": "اردو", ...}
    python scripts/po_fill.py --missing           # list msgids that still lack Urdu

Used after ``./dev.sh messages``; only empty entries are filled, existing ones are kept.
"""

import json
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale/ur/LC_MESSAGES/django.po"


def _unquote(lines):
    return "".join(json.loads(line.strip()) for line in lines)


def entries(text):
    """Yield (start, end, msgid, msgstr, fuzzy) for each simple entry."""
    blocks = text.split("\n\n")
    pos = 0
    for block in blocks:
        start, end = pos, pos + len(block)
        pos = end + 2
        if "msgid " not in block or "msgid_plural" in block:
            continue
        m = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if not m:
            continue
        msgid = _unquote(m.group(1).splitlines())
        msgstr = _unquote(m.group(2).splitlines())
        yield start, end, block, msgid, msgstr, "#, fuzzy" in block


def main(argv):
    text = PO.read_text()
    if argv and argv[0] == "--missing":
        missing = [mid for *_, mid, mstr, fz in entries(text) if mid and (not mstr or fz)]
        print("\n".join(missing))
        return 1 if missing else 0
    table = json.loads(Path(argv[0]).read_text())
    out, last = [], 0
    for start, end, block, msgid, msgstr, fuzzy in entries(text):
        if msgid in table and (not msgstr or fuzzy):
            new = re.sub(
                r'^msgstr (?:".*"\n?)+',
                "msgstr " + json.dumps(table[msgid], ensure_ascii=False) + "\n",
                block + "\n",
                flags=re.M,
            ).rstrip("\n")
            new = new.replace("#, fuzzy\n", "").replace(", fuzzy", "")
            out.append(text[last:start] + new)
            last = end
    out.append(text[last:])
    PO.write_text("".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
