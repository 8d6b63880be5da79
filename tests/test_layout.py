"""The package's layout stays what docs/architecture.md describes.

Module size is not checked: a module holds one concern and its size follows from it
(shared/DESIGN.md section 8).
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sklearn_hilbert"
MODULES = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))

def test_architecture_doc_lists_every_module_and_nothing_else():
    doc = (ROOT / "docs" / "architecture.md").read_text()
    listed = set(re.findall(r"^\| `([\w/]+\.py)` \|", doc, flags=re.MULTILINE))
    assert sorted(set(MODULES) - listed) == [], "modules missing from docs/architecture.md"
    assert sorted(listed - set(MODULES)) == [], "docs/architecture.md lists modules that do not exist"
