"""Fixtures of the command tests: manifests made from the tiny spoken corpus's segments
(so every encoding is already in the shared cache)."""

import csv

import pytest


def _corpus_rows(tiny_corpus):
    with open(tiny_corpus.manifest, newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:  # absolute audio paths: the new manifests live elsewhere
        row["audio_path"] = str(tiny_corpus.manifest.parent / row["audio_path"])
    return rows


def _write(path, rows):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def protocol_manifest(tiny_corpus, tmp_path_factory):
    """Each of the 24 segments as a one-segment document: a score with 24 distinct values
    (higher for positive reviews), 6 speakers of 4 documents, a site A/B, an official
    split (12 train, 6 dev, 6 test, both classes in each)."""
    rows = []
    for i, row in enumerate(_corpus_rows(tiny_corpus)):
        positive = row["sentiment"] == "positive"
        rows.append({**{k: row[k] for k in ("audio_path", "start", "end", "text", "sentiment")},
                     "doc_id": f"d{i:02d}", "score": 10 * positive + 0.5 * i,
                     "speaker_id": f"spk{i // 4}", "site": "AB"[i % 2],
                     "part": ["train", "train", "dev", "test"][i % 4] if i >= 8 else "train"})
    folder = tmp_path_factory.mktemp("protocols")
    return _write(folder / "protocols.csv", rows)


@pytest.fixture(scope="module")
def speaker_manifest(tiny_corpus, tmp_path_factory):
    """The 8 reviews of 3 segments with a per-segment speaker: P, I, P."""
    rows = [{**row, "speaker": "PIP"[i % 3]} for i, row in enumerate(_corpus_rows(tiny_corpus))]
    return _write(tmp_path_factory.mktemp("speakers") / "speakers.csv", rows)
