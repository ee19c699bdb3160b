"""The search app's demo step: make sure every demo file is in the index (the desk's
after-commit hooks index most of them already; this repairs anything they missed)."""

import search


def seed(progress=print) -> None:
    report = search.check(repair=True)
    progress(
        f"  {report.files} files; {report.repaired} index entries written or repaired"
        f" ({search.get_backend().name} backend)"
    )
