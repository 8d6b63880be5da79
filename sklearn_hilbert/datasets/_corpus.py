"""Locate (and if needed fetch) the Pang & Lee movie-review corpus.

The 1500 reviews (750 positive, 750 negative) ship in Debian's
``python3-pattern`` package as ``polarity-en-pang&lee1.csv``.  Without root,
``apt-get download python3-pattern`` followed by ``dpkg -x`` extracts the
package under the data folder without installing its dependencies.
"""

import csv
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CORPUS_RELPATH = Path("usr/share/doc/python3-pattern/test/corpora/polarity-en-pang&lee1.csv")
POLARITY_NAMES = {"1": "positive", "-1": "negative"}


def get_data_home(data_home=None):
    """Data folder: ``data_home``, else env ``SKLEARN_HILBERT_DATA``, else ``~/sklearn_hilbert_data``."""
    if data_home is None:
        data_home = os.environ.get("SKLEARN_HILBERT_DATA", "~/sklearn_hilbert_data")
    path = Path(data_home).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def corpus_candidates(data_home):
    """Places searched for the corpus file, in order: the system's ``python3-pattern``,
    then the package extracted under ``data_home/debian`` or under the default data folder."""
    default = Path(os.environ.get("SKLEARN_HILBERT_DATA", "~/sklearn_hilbert_data")).expanduser()
    places = [Path("/") / CORPUS_RELPATH, Path(data_home) / "debian" / CORPUS_RELPATH,
              default / "debian" / CORPUS_RELPATH]
    return list(dict.fromkeys(places))


def _download_with_apt(data_home):
    """``apt-get download python3-pattern`` and ``dpkg -x`` it into ``data_home/debian``."""
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            ["apt-get", "download", "python3-pattern"], cwd=tmp, capture_output=True, text=True
        )
        debs = sorted(Path(tmp).glob("python3-pattern_*.deb"))
        if proc.returncode != 0 or not debs:
            raise RuntimeError(
                "`apt-get download python3-pattern` failed "
                f"(exit {proc.returncode}): {proc.stderr.strip()[-500:]}. "
                "Run `apt-get update` first, or `make system-deps`."
            )
        subprocess.run(["dpkg", "-x", str(debs[0]), str(Path(data_home) / "debian")], check=True)


def find_corpus(data_home, download_if_missing=True):
    """Return the path of ``polarity-en-pang&lee1.csv``, fetching it with apt when allowed.

    Raises
    ------
    OSError
        If the file is nowhere and cannot be fetched; the message says what to install.
    """
    for path in corpus_candidates(data_home):
        if path.is_file():
            return path
    has_apt = shutil.which("apt-get") and shutil.which("dpkg")
    if download_if_missing and has_apt:
        _download_with_apt(data_home)
        path = corpus_candidates(data_home)[1]
        if path.is_file():
            return path
    where = " or ".join(str(p) for p in corpus_candidates(data_home))
    raise OSError(
        f"The Pang & Lee review corpus was not found at {where}. It ships in the Debian "
        "package python3-pattern: run `make system-deps`, or `apt-get download python3-pattern "
        f"&& dpkg -x python3-pattern_*.deb {Path(data_home) / 'debian'}`. Without apt, extract "
        "that .deb (from packages.debian.org) with any ar/tar tool into the same folder."
    )


def read_reviews(path):
    """Read the corpus: list of ``(text, "positive"|"negative")`` in file order."""
    reviews = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        for line_no, row in enumerate(csv.reader(f), start=1):
            if len(row) != 2 or row[0].strip() not in POLARITY_NAMES:
                raise ValueError(
                    f"{path}, record {line_no}: expected 2 fields (polarity 1/-1, text), "
                    f"got {len(row)} field(s) starting {str(row)[:80]!r}."
                )
            reviews.append((row[1], POLARITY_NAMES[row[0].strip()]))
    return reviews
