"""The package's layout stays what docs/architecture.md describes (issue 9's invariants)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sklearn_hilbert"
MODULES = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))
#: a module past this many lines does more than one thing
MAX_LINES = 400


@pytest.mark.parametrize("module", MODULES)
def test_every_module_is_small(module):
    n_lines = len((PACKAGE / module).read_text().splitlines())
    assert n_lines < MAX_LINES, f"sklearn_hilbert/{module} has {n_lines} lines (limit {MAX_LINES})"


def test_architecture_doc_lists_every_module_and_nothing_else():
    doc = (ROOT / "docs" / "architecture.md").read_text()
    listed = set(re.findall(r"^\| `([\w/]+\.py)` \|", doc, flags=re.MULTILINE))
    assert sorted(set(MODULES) - listed) == [], "modules missing from docs/architecture.md"
    assert sorted(listed - set(MODULES)) == [], "docs/architecture.md lists modules that do not exist"
