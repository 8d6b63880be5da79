"""Write one benchmark's section into ``docs/benchmarks.md``.

Each benchmark script owns a section delimited by HTML comments, so the scripts
can be rerun in any order without overwriting each other's results.
"""

import platform
import re
from pathlib import Path

import torch

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
HEADER = (
    "# Benchmarks\n\n"
    "Every figure on this page was measured by a script in `benchmarks/`; each section\n"
    "names its command. Rerun a script to refresh its section.\n"
)


def machine_description():
    """One line describing the machine the figures were measured on."""
    import os

    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"torch {torch.__version__} ({torch.get_num_threads()} threads), "
        f"{platform.system()} {platform.release()}"
    )


def write_section(name, markdown, doc=DOC):
    """Replace (or append) the section ``name`` of ``docs/benchmarks.md``.

    Parameters
    ----------
    name : str
        Section identifier, e.g. ``"classifier"``.
    markdown : str
        The section's body, starting with its own heading.
    doc : path-like
        The Markdown file to edit.
    """
    doc = Path(doc)
    text = doc.read_text() if doc.exists() else HEADER
    begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
    block = f"{begin}\n{markdown.strip()}\n{end}"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text)
