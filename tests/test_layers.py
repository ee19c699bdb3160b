"""Layers run one way (issue 20; README, "Layers").

The contract itself is import-linter's (``pyproject.toml``, run by ``.ci/run``); this runs it
with the tests too, and adds what import-linter cannot see: an import placed inside a function
is still an import, and must not be a way round the contract. It is allowed in an app's
``ready()`` (Django asks for it there) or where a comment on it, or just above it, says why."""

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
FIRST_PARTY = set(CONFIG["root_packages"])


def _function_imports(path: Path):
    source = path.read_text()
    lines = source.splitlines()
    tree = ast.parse(source)
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            if not any(m.split(".")[0] in FIRST_PARTY for m in modules):
                continue
            yield function.name, node.lineno, _said(lines, node.lineno - 1)


def _said(lines, index) -> bool:
    """A comment on the import's line, or on the line above its block of imports."""
    if "#" in lines[index]:
        return True
    index -= 1
    while index >= 0 and re.match(r"\s*(from |import |\)|[\w, ]+,?$)", lines[index]):
        index -= 1  # the imports (and their wrapped names) just above
    return index >= 0 and lines[index].strip().startswith("#")


def test_no_first_party_import_hides_inside_a_function():
    hidden = []
    for package in sorted(FIRST_PARTY):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for function, line, said in _function_imports(path):
                if function != "ready" and not said:
                    hidden.append(f"{path.relative_to(ROOT)}:{line} (in {function})")
    assert not hidden, "move these imports to the top, or say why they cannot be:\n" + "\n".join(
        hidden
    )


def test_the_layer_contract_holds():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.skip("import-linter is not installed (pip install -r requirements/dev.txt)")
    result = subprocess.run(
        [lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
