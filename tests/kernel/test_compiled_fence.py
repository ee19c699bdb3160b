"""Compiled reads stay behind their fence (README, "Fast paths: the policy"): only read modules
use ``kernel.compiled`` — selectors, the access rule, the signed-in user, the desk's search hit
reads, and the row reads a desk service takes under its lock. A module elsewhere that starts
using it fails here until the policy (and this list) says why it may."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
APPS = [
    "kernel",
    "accounts",
    "documents",
    "organisation",
    "workflows",
    "search",
    "workspace",
    "cgu",
    "portal_pages",
    "letters",
    "complaints",
    "daftar",
]


def _allowed(relative: Path) -> bool:
    parts = relative.parts
    return (
        "selectors" in parts
        or relative.name == "selectors.py"
        or relative.as_posix()
        in {
            "kernel/compiled.py",
            "workspace/access.py",
            "accounts/backends.py",
            "workspace/search/results.py",
        }
        or relative.as_posix().startswith("workspace/services/")
    )


def _uses_compiled(path: Path) -> bool:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (
            node.module == "kernel.compiled"
            or (node.module == "kernel" and any(a.name == "compiled" for a in node.names))
        ):
            return True
        if isinstance(node, ast.Import) and any(a.name == "kernel.compiled" for a in node.names):
            return True
    return False


def test_compiled_reads_live_only_in_read_modules():
    outside = [
        path.relative_to(ROOT).as_posix()
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        and _uses_compiled(path)
        and not _allowed(path.relative_to(ROOT))
    ]
    assert not outside, "compiled reads outside the read modules the README lists: " + ", ".join(
        outside
    )


def test_the_fence_sees_the_desks_search_hit_reads():
    # The check must be able to fail: the desk's hit reads do use compiled reads.
    assert _uses_compiled(ROOT / "workspace/search/results.py")
