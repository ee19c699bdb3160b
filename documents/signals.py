"""What the papers' layer tells the apps above it, without knowing them (issue 20).

``paper_text_stored`` is sent once a paper version's text is stored (by extraction or OCR),
with ``version_id``: search (``search/apps.py``) reindexes the files the paper is on. A
receiver must not raise: the text is already stored."""

from django.dispatch import Signal

paper_text_stored = Signal()
