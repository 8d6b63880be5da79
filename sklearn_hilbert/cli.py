"""The ``hilbert`` command: cross-validate HILBERT and baselines, fit, predict, demo.

::

    hilbert cv MANIFEST --label COL [options]   # table + report folder
    hilbert demo [--task sentiment|voice|joint] # the same on the spoken reviews
    hilbert fit MANIFEST --label COL -o model.joblib
    hilbert predict model.joblib MANIFEST [-o probs.csv]
    hilbert transcribe AUDIO... -o manifest.csv  # recordings -> manifest (Whisper + VAD)

Run ``hilbert COMMAND --help`` for the options; ``docs/cli.md`` explains the report.
"""

import argparse
import csv
import shlex
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from ._optional import MissingExtraError, import_optional, require_optional


#: Demo settings: sized so that ``make demo`` runs in minutes on 2 CPU cores.
DEMO = {"n_docs": 160, "max_segments": 20, "folds": 3, "max_epochs": 15}
_DASK = "The dask backend (--scheduler)"


def _log(args, message):
    if not args.quiet:
        print(message, file=sys.stderr, flush=True)


def _add_encoder_options(p):
    p.add_argument("--text-encoder", default="all-MiniLM-L6-v2",
                   help="sentence-transformers model: name, hub id or local folder "
                        "(default: the packaged all-MiniLM-L6-v2); in `cv`, a comma-separated "
                        "list gives a table of every encoder pair")
    p.add_argument("--audio-encoder", default="logmel",
                   help="'logmel' or a Hugging Face speech model id / local folder "
                        "(in `cv`: comma-separated list)")
    p.add_argument("--max-segments", type=int, default=None,
                   help="keep the first N segments of each document")
    p.add_argument("--cache", default=None,
                   help="embedding cache folder (default: DATA_HOME/cache; 'none' disables)")
    p.add_argument("--device", default="cpu", help="torch device (default: cpu)")
    p.add_argument("--batch-size", type=int, default=32, help="segments per encoder batch")


def _add_model_options(p):
    p.add_argument("--max-epochs", type=int, default=None,
                   help="HilbertClassifier max_epochs (default: the classifier's)")
    p.add_argument("--random-state", type=int, default=0, help="seed of folds and networks")
    p.add_argument("--threads", type=int, default=1,
                   help="torch and BLAS threads (default: 1, the fastest for the small HILBERT networks "
                        "and robust on a shared machine; raise it for big encoders)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")


def _add_cv_options(p):
    p.add_argument("--folds", type=int, default=5, help="stratified folds (default: 5)")
    p.add_argument("--repeats", type=int, default=1, help="repeats of the folds (default: 1)")
    p.add_argument("--methods", default="all",
                   help="comma-separated methods, or 'baselines', 'ablations', 'all' "
                        "(see `hilbert methods`)")
    p.add_argument("--output", "-o", default=None, help="report folder")
    p.add_argument("--grid", default=None,
                   help="loss-weight search inside each fold for HILBERT, e.g. "
                        "'lambda_cka=0,0.1,1;lambda_mi=0,0.1' (inner 3-fold CV, stacked)")
    p.add_argument("--scheduler", default=None,
                   help="dask.distributed scheduler ADDRESS (e.g. tcp://host:8786): train the "
                        "network stacks on that cluster (one worker per GPU)")
    p.add_argument("--attention-docs", type=int, default=3,
                   help="documents whose attention is drawn (default: 3)")


def build_parser():
    """The argument parser of the ``hilbert`` command."""
    from .transcription.command import add_transcribe_parser, add_transcriber_options

    parser = argparse.ArgumentParser(
        prog="hilbert",
        description="HILBERT (frozen speech+text encoders, attention over segments) against "
                    "logistic baselines, on long spoken documents.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("cv", help="cross-validate all methods on a manifest and write a report")
    p.add_argument("manifest", help="CSV/JSONL manifest: doc_id, audio_path, start, end, text, "
                                    "label columns")
    p.add_argument("--label", required=True, help="label column")
    _add_encoder_options(p)
    _add_model_options(p)
    _add_cv_options(p)

    p = sub.add_parser("demo", help="`hilbert cv` on the spoken movie reviews (built on first use)")
    p.add_argument("--task", default="sentiment", choices=("sentiment", "voice", "joint"))
    p.add_argument("--n-docs", type=int, default=DEMO["n_docs"])
    p.add_argument("--data-home", default=None,
                   help="data folder (default: $SKLEARN_HILBERT_DATA or ~/sklearn_hilbert_data)")
    _add_encoder_options(p)
    _add_model_options(p)
    _add_cv_options(p)
    p.set_defaults(max_segments=DEMO["max_segments"], folds=DEMO["folds"],
                   max_epochs=DEMO["max_epochs"])
    p.add_argument("--from-audio", action="store_true",
                   help="withhold the text: transcribe the WAVs, then cross-validate on the "
                        "transcripts and on the true text (word error rate, both AUCs)")
    add_transcriber_options(p)

    p = sub.add_parser("fit", help="fit encoders + one method on a manifest; save with joblib")
    p.add_argument("manifest")
    p.add_argument("--label", required=True)
    p.add_argument("--method", default="HILBERT", help="method to fit (default: HILBERT)")
    p.add_argument("-o", "--output", required=True, help="model file, e.g. model.joblib")
    _add_encoder_options(p)
    _add_model_options(p)

    p = sub.add_parser("predict", help="class probabilities of every document of a manifest")
    p.add_argument("model", help="file written by `hilbert fit`")
    p.add_argument("manifest")
    p.add_argument("-o", "--output", default=None, help="CSV file (default: standard output)")
    p.add_argument("-q", "--quiet", action="store_true")

    sub.add_parser("methods", help="list the methods compared by `hilbert cv`")
    add_transcribe_parser(sub)
    return parser


def _cache_dir(args):
    if args.cache is not None:
        return None if args.cache.lower() == "none" else str(Path(args.cache).expanduser())
    from .datasets import get_data_home

    return str(get_data_home(getattr(args, "data_home", None)) / "cache")


def _transformer(args):
    from .transformer import FrozenEncoderTransformer

    return FrozenEncoderTransformer(
        text_encoder=args.text_encoder, audio_encoder=args.audio_encoder,
        batch_size=args.batch_size, device=args.device, cache=_cache_dir(args),
        max_segments=args.max_segments, progress=not args.quiet)


def _hilbert_params(args):
    params = {"device": args.device}
    if args.max_epochs is not None:
        params["max_epochs"] = args.max_epochs
    return params


def _load(manifest, label, args):
    from .manifest import load_manifest

    start = time.perf_counter()
    docs, y = load_manifest(manifest, label=label)
    _log(args, f"Loaded {len(docs)} documents ({sum(len(d) for d in docs)} segments) from "
               f"{manifest} in {time.perf_counter() - start:.1f} s")
    return docs, y


def _encode(docs, args):
    start = time.perf_counter()
    _log(args, f"Encoding segments: text={args.text_encoder}, audio={args.audio_encoder}, "
               f"cache={_cache_dir(args)}")
    X = _transformer(args).fit_transform(docs)
    _log(args, f"Encoded to segment tensors audio {X['audio'].shape}, text {X['text'].shape} "
               f"in {time.perf_counter() - start:.1f} s")
    return X


def run_cv(manifest, label, args, title=None, description=None):
    """Cross-validate on every encoder pair of ``--text-encoder``/``--audio-encoder``; with
    several pairs, also write and print the paper-style table (pair x configuration)."""
    from .experiments.grids import encoder_pairs, encoder_table

    pairs = encoder_pairs(args.text_encoder, args.audio_encoder)
    if len(pairs) == 1:
        return _run_cv_pair(manifest, label, args, title, description)
    root = Path(args.output or Path("hilbert_reports") / f"{Path(manifest).stem}-{label}")
    results = []
    for text, audio in pairs:
        sub = argparse.Namespace(**{**vars(args), "text_encoder": text, "audio_encoder": audio,
                                    "output": str(root / _slug(f"{text}__{audio}"))})
        _log(args, f"Encoder pair: text={text}, audio={audio}")
        results.append(((text, audio), _run_cv_pair(manifest, label, sub, title, description)))
    table = encoder_table(results)
    root.mkdir(parents=True, exist_ok=True)
    (root / "encoders.md").write_text(f"# Macro one-vs-rest AUC, {args.folds}-fold CV\n\n"
                                      f"{table}\n", encoding="utf-8")
    print(table)
    return results


def _slug(text):
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text)


def _run_cv_pair(manifest, label, args, title=None, description=None):
    """Load, encode once, cross-validate every method, write the report; return summary rows."""
    from .experiments.grids import parse_grid, with_inner_search
    from .experiments.methods import make_methods
    from .experiments.report import text_table, write_report
    from .experiments.runner import cross_validate_methods

    t0 = time.perf_counter()
    docs, y = _load(manifest, label, args)
    values = sorted(set(y.tolist()), key=str)
    if len(values) < 2:  # before encoding, and in the user's words (not the folds')
        raise ValueError(f"label column {label!r} of {manifest} holds the single value "
                         f"{values[0]!r} in all {len(docs)} documents; cross-validation needs "
                         "at least 2 classes (is it the right column?)")
    methods = make_methods(args.methods, hilbert_params=_hilbert_params(args),
                           random_state=args.random_state)
    if args.grid:
        methods = with_inner_search(methods, parse_grid(args.grid),
                                    random_state=args.random_state)
    X = _encode(docs, args)
    _log(args, f"Cross-validating {len(methods)} method(s) x {args.folds} folds x "
               f"{args.repeats} repeat(s); the networks of all folds train first, stacked")
    with _cluster(args.scheduler) as n_jobs:
        results = cross_validate_methods(methods, X, y, n_splits=args.folds,
                                         n_repeats=args.repeats, random_state=args.random_state,
                                         progress=not args.quiet, n_jobs=n_jobs)
    output = Path(args.output or Path("hilbert_reports") / f"{Path(manifest).stem}-{label}")
    n_seg = X["mask"].sum(axis=1)
    texts = [[seg.text for seg in d.segments][: int(k)] for d, k in zip(docs, n_seg)]
    command = "hilbert " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    description = description or (
        f"Manifest `{manifest}`, label `{label}`; text encoder `{args.text_encoder}`, audio "
        f"encoder `{args.audio_encoder}`, max_segments {args.max_segments}.")
    description += f"\n\nCommand: `{command}`. Wall time {time.perf_counter() - t0:.0f} s."
    rows = write_report(results, output, doc_ids=[d.doc_id for d in docs], texts=texts,
                        title=title or f"{Path(manifest).name}: {label}",
                        description=description, n_attention_docs=args.attention_docs)
    print(text_table(rows))
    _log(args, f"Report: {output / 'results.md'} (total {time.perf_counter() - t0:.0f} s)")
    return rows


def _check_extras(args):
    """The extras a report run needs, checked before any work (text encoders: when resolved)."""
    require_optional(["matplotlib"], "report", "Drawing the report's figures")
    if args.scheduler:
        require_optional(["dask", "distributed"], "dask", _DASK)


def cmd_cv(args):
    _check_extras(args)
    return run_cv(args.manifest, args.label, args)


def cmd_demo(args):
    from .datasets.spoken_reviews import build_spoken_reviews

    _check_extras(args)
    t0 = time.perf_counter()
    _log(args, f"Building/reusing the spoken reviews: {args.n_docs} documents, first "
               f"{args.max_segments} segments each")
    manifest = build_spoken_reviews(args.data_home, n_docs=args.n_docs,
                                    max_segments=args.max_segments,
                                    random_state=args.random_state, progress=not args.quiet)
    _log(args, f"Corpus ready in {time.perf_counter() - t0:.1f} s: {manifest}")
    if args.from_audio:
        from .transcription.command import demo_from_audio

        return demo_from_audio(args, manifest, run_cv)
    if args.output is None:
        args.output = str(Path("hilbert_reports") / f"demo-{args.task}")
    description = (
        f"Spoken movie reviews (`fetch_spoken_reviews`): {args.n_docs} Pang & Lee reviews, "
        f"first {args.max_segments} segments of ~17 words each, spoken by espeak-ng; task "
        f"`{args.task}` (sentiment: real labels; voice and the voice half of joint: assigned).")
    return run_cv(manifest, args.task, args, title=f"Spoken reviews demo: {args.task}",
                  description=description)


def cmd_fit(args):
    import joblib
    from sklearn.pipeline import make_pipeline

    from .experiments.methods import make_methods

    docs, y = _load(args.manifest, args.label, args)
    method = make_methods([args.method], hilbert_params=_hilbert_params(args),
                          random_state=args.random_state)
    pipe = make_pipeline(_transformer(args), *method.values())
    start = time.perf_counter()
    _log(args, f"Fitting {', '.join(method)} on {len(docs)} documents")
    pipe.fit(docs, y)
    joblib.dump(pipe, args.output)
    _log(args, f"Fitted in {time.perf_counter() - start:.1f} s; classes {list(pipe.classes_)}; "
               f"saved to {args.output}")
    return pipe


def _load_model(path):
    """The pipeline saved by ``hilbert fit``; a clear ValueError for any other file."""
    import joblib

    try:
        pipe = joblib.load(path)
    except OSError:
        raise  # missing or unreadable file: its own message
    except Exception as exc:  # not a joblib/pickle file, or one of another library version
        raise ValueError(f"{str(path)!r} is not a model written by `hilbert fit` "
                         f"({type(exc).__name__}: {exc})") from None
    if not (hasattr(pipe, "predict_proba") and hasattr(pipe, "classes_")):
        raise ValueError(f"{str(path)!r} is not a model written by `hilbert fit` (it holds a "
                         f"{type(pipe).__name__})")
    return pipe


def cmd_predict(args):
    from .manifest import load_manifest

    pipe = _load_model(args.model)
    docs, _ = load_manifest(args.manifest)
    proba = pipe.predict_proba(docs)
    out = open(args.output, "w", newline="") if args.output else sys.stdout
    try:
        writer = csv.writer(out)
        writer.writerow(["doc_id", *[str(c) for c in pipe.classes_]])
        for doc, p in zip(docs, proba):
            writer.writerow([doc.doc_id, *[f"{v:.6f}" for v in p]])
    finally:
        if args.output:
            out.close()
    if args.output:
        _log(args, f"Wrote probabilities of {len(docs)} documents to {args.output}")
    return proba


def cmd_methods(args):
    from .experiments.methods import DESCRIPTIONS, METHOD_NAMES

    for name in METHOD_NAMES:
        print(f"{name:20s} {DESCRIPTIONS[name]}")


@contextmanager
def _cluster(address):
    """Run joblib work on the dask.distributed scheduler at ``address`` (None: locally)."""
    if not address:
        yield None
        return
    from joblib import parallel_backend

    import_optional("dask", "dask", _DASK)  # joblib's "dask" backend imports both
    Client = import_optional("distributed", "dask", _DASK).Client
    with Client(address) as client, parallel_backend("dask"):
        yield max(1, len(client.scheduler_info().get("workers", {})))


@contextmanager
def _thread_limits(n_threads):
    """Limit torch and BLAS/OpenMP threads to ``n_threads`` (None: leave them alone)."""
    if not n_threads:
        yield
        return
    import torch
    from threadpoolctl import threadpool_limits

    before = torch.get_num_threads()
    torch.set_num_threads(n_threads)
    try:
        with threadpool_limits(n_threads):
            yield
    finally:
        torch.set_num_threads(before)


def main(argv=None):
    """Entry point of the ``hilbert`` console script."""
    args = build_parser().parse_args(argv)
    from .transcription.command import cmd_transcribe

    commands = {"cv": cmd_cv, "demo": cmd_demo, "transcribe": cmd_transcribe,
                "fit": cmd_fit, "predict": cmd_predict, "methods": cmd_methods}
    try:
        with _thread_limits(getattr(args, "threads", None)):
            commands[args.command](args)
    except (OSError, ValueError, RuntimeError, MissingExtraError) as exc:
        print(f"hilbert {args.command}: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
