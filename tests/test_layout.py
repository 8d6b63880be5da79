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


def test_only_the_command_line_imports_the_command_line():
    """The layers of docs/architecture.md: no library or harness module imports ``_cli``."""
    import ast

    offenders = []
    for module in MODULES:
        if module.startswith("_cli/"):
            continue
        tree = ast.parse((PACKAGE / module).read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n == "_cli" or n.startswith("_cli.") or "._cli" in n or n == "cli"
                   for n in names):
                offenders.append(module)
    assert offenders == []
