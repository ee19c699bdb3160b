"""Intake and the bench hooks (``benchmark.hooks``).

Each hook times one app's operations through that app's own functions; this module calls
them and turns what they return into figures:

- ``benchmark.hooks.documents``: pages per second of PDF text extraction, seconds from upload to the
  text stored and handed to search for a 50-page PDF, pages per minute of OCR (English and
  Urdu scans, as the background task reads them), and peak memory for a 500-page PDF;
- ``benchmark.hooks.search``: search and go-to-number through the facade, per kind of query;
- ``benchmark.hooks.portal``: the tracking lookup (found, wrong second factor, unknown reference);

The CGU's staff screens (dashboard, returns, compliance) are pages: ``measure.page_ops`` times
them with the others.

The search rebuild time is the generator's own index build (``generate.rebuild_search``).
"""

from __future__ import annotations

from benchmark.hooks import documents as documents_hook
from benchmark.hooks import portal as portal_hook
from benchmark.hooks import search as search_hook
from benchmark.report import Latency, Value
from benchmark.writer import Progress


def _quiet(progress: Progress):
    return lambda msg: progress(f"    {msg}")


def documents_figures(*, n_files: int, quick: bool, progress: Progress) -> list:
    pages = 20 if quick else 200
    upload_pages = 5 if quick else 50
    figures = [
        Value(
            "intake: PDF text extraction",
            n_files,
            documents_hook.extraction_pages_per_second(pages=pages),
            "pages/s",
            source="benchmark.hooks.documents",
            extra={"pages": pages},
        ),
        Value(
            f"intake: upload to searchable, {upload_pages}-page PDF",
            n_files,
            documents_hook.upload_to_searchable_seconds(pages=upload_pages),
            "s",
            source="benchmark.hooks.documents",
            note="upload, checks, storage, rows and audit, then the extraction task inline",
        ),
    ]
    ocr_pages = 2 if quick else 10
    per_minute = documents_hook.ocr_pages_per_minute(pages=ocr_pages)
    if per_minute is None:
        progress("  intake: OCR skipped (Tesseract or its Urdu data is not installed)")
    else:
        figures.append(
            Value(
                "intake: OCR of scanned pages (English + Urdu)",
                n_files,
                per_minute,
                "pages/min",
                source="benchmark.hooks.documents",
                note="one worker, in the background task; A4 at 300 dpi read at 450 dpi",
                extra={"pages": ocr_pages},
            )
        )
    if not quick:
        memory = documents_hook.peak_memory_500_pages()
        figures.append(
            Value(
                "intake: 500-page PDF, extraction peak memory",
                n_files,
                memory.get("extract_peak_mb"),
                "MB (Python)",
                source="benchmark.hooks.documents",
                extra={"detail": memory},
            )
        )
    for f in figures:
        progress(f"  {f.op:<52} {f.value:10.2f} {f.unit}")
    return figures


def _timings(timings, n_files: int) -> list:
    return [
        Latency(f"search.bench: {t.label}", n_files, ms=list(t.ms), source="benchmark.hooks.search")
        for t in timings
    ]


def search_figures(*, n_files: int, runs: int, progress: Progress) -> list:
    return _timings(search_hook.time_search(runs=runs, out=_quiet(progress)), n_files)


def go_to_figures(*, n_files: int, runs: int, progress: Progress) -> list:
    return _timings(search_hook.time_go_to(runs=runs, out=_quiet(progress)), n_files)


def portal_figures(*, n_files: int, lookups: int, progress: Progress) -> list:
    results = portal_hook.run(lookups=lookups, progress=_quiet(progress))
    figures = []
    for kind in ("found", "wrong_factor", "unknown_ref"):
        r = results.get(kind)
        if not r:
            continue
        figures.append(
            Value(
                f"portal_pages.bench: tracking {kind.replace('_', ' ')} p95",
                n_files,
                r["p95_ms"],
                "ms",
                source="benchmark.hooks.portal",
                extra={"p50_ms_hook": r["p50_ms"], "p99_ms": r["p99_ms"], "n": r["n"]},
            )
        )
    return figures
