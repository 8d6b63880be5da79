"""``hilbert demo``: ``hilbert cv`` on the spoken movie reviews; ``--from-audio`` transcribes
their WAVs first and compares the transcripts with the true text."""

import sys
import time
import warnings
from pathlib import Path

from ..manifest import load_manifest, save_manifest
from ._common import add_encoder_options, add_model_options, cache_dir, log
from .cv import add_cv_options, check_extras, run_cv
from .transcribe import add_transcriber_options, transcriber

#: Demo settings: sized so that ``make demo`` runs in minutes on 2 CPU cores.
DEMO = {"n_docs": 160, "max_segments": 20, "folds": 3, "max_epochs": 15}
TASKS = ("sentiment", "voice", "joint")


def add_demo_parser(sub):
    """Add ``hilbert demo`` to the ``hilbert`` command's sub-parsers."""
    p = sub.add_parser("demo",
                       help="`hilbert cv` on the spoken movie reviews (built on first use)")
    p.add_argument("--task", default="sentiment", choices=TASKS)
    p.add_argument("--n-docs", type=int, default=DEMO["n_docs"])
    p.add_argument("--data-home", default=None,
                   help="data folder (default: $SKLEARN_HILBERT_DATA or ~/sklearn_hilbert_data)")
    add_encoder_options(p)
    add_model_options(p)
    add_cv_options(p)
    p.set_defaults(max_segments=DEMO["max_segments"], folds=DEMO["folds"],
                   max_epochs=DEMO["max_epochs"])
    p.add_argument("--from-audio", action="store_true",
                   help="withhold the text: transcribe the WAVs, then cross-validate on the "
                        "transcripts and on the true text (word error rate, both AUCs)")
    add_transcriber_options(p)
    return p


def cmd_demo(args):
    from ..datasets.spoken_reviews import build_spoken_reviews

    check_extras(args)
    t0 = time.perf_counter()
    log(args, f"Building/reusing the spoken reviews: {args.n_docs} documents, first "
              f"{args.max_segments} segments each")
    manifest = build_spoken_reviews(args.data_home, n_docs=args.n_docs,
                                    max_segments=args.max_segments,
                                    random_state=args.random_state, progress=not args.quiet)
    log(args, f"Corpus ready in {time.perf_counter() - t0:.1f} s: {manifest}")
    if args.from_audio:
        return demo_from_audio(args, manifest)
    if args.output is None:
        args.output = str(Path("hilbert_reports") / f"demo-{args.task}")
    description = (
        f"Spoken movie reviews (`fetch_spoken_reviews`): {args.n_docs} Pang & Lee reviews, "
        f"first {args.max_segments} segments of ~17 words each, spoken by espeak-ng; task "
        f"`{args.task}` (sentiment: real labels; voice and the voice half of joint: assigned).")
    return run_cv(manifest, args.task, args, title=f"Spoken reviews demo: {args.task}",
                  description=description)


def demo_from_audio(args, manifest):
    """Transcribe the spoken reviews' WAVs (text withheld), cross-validate on the transcripts
    and on the true text, and print the word error rate and both AUC tables."""
    from ..transcription import word_error_rate

    true_docs, _ = load_manifest(manifest, label=list(TASKS))
    wavs = [d[0].path for d in true_docs]
    t0 = time.perf_counter()
    args.target_seconds = getattr(args, "target_seconds", 6.5)
    asr = transcriber(args, cache_dir(args), errors="skip")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # failures are reported below
        heard = asr.transform(wavs)
    failed = {p for p, _ in asr.failures_}
    for path, why in asr.failures_:
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
    labels = {h.doc_id: {t: true.metadata[t] for t in TASKS}
              for h, true in zip(heard, true_docs)}
    out = Path(args.output or Path("hilbert_reports") / f"demo-{args.task}-from-audio")
    transcribed = out / "transcribed-manifest.csv"
    save_manifest(transcribed, heard, columns=labels)
    true_manifest = out / "true-manifest.csv"  # the same documents, with their true text
    save_manifest(true_manifest, true_docs, columns=labels)
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
