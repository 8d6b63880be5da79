"""HILBERT against logistic baselines on the spoken movie reviews, for the three label tasks.

Builds (or reuses) the spoken corpus, encodes every segment once (MiniLM text,
log-mel audio; disk cache), cross-validates the nine methods of ``hilbert cv``
on the same folds for each task, writes one report folder per task and the
``spoken`` section of ``docs/benchmarks.md`` (rewritten after every task, so a
partial run still leaves its finished tasks).

Usage::

    python benchmarks/run_benchmark.py                      # 600 docs, 5 folds x 2 repeats
    python benchmarks/run_benchmark.py --n-docs 200 --repeats 1 --no-doc   # a quick look
    python benchmarks/run_benchmark.py --tasks voice &   # one process per task, in parallel
"""

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import torch
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import machine_description, write_section  # noqa: E402

from sklearn_hilbert import HilbertClassifier  # noqa: E402
from sklearn_hilbert.datasets.spoken_reviews import TASKS, build_spoken_reviews  # noqa: E402
from sklearn_hilbert.manifest import load_manifest  # noqa: E402
from sklearn_hilbert.experiments.runner import cross_validate_methods  # noqa: E402
from sklearn_hilbert.experiments.methods import BASELINES, make_methods  # noqa: E402
from sklearn_hilbert.experiments.report import markdown_table, text_table, write_report  # noqa: E402
from sklearn_hilbert.transformer import FrozenEncoderTransformer  # noqa: E402

TASK_NOTES = {
    "sentiment": "real Pang & Lee labels; the signal is in the words only",
    "voice": "assigned: which of 4 voices (p = .55/.25/.13/.07) read the review; "
             "the signal is in the audio only",
    "joint": "sentiment x voice pitch group (about 34/34/16/16 %); needs both modalities",
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n-docs", type=int, default=600)
    p.add_argument("--max-segments", type=int, default=24)
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--max-epochs", type=int, default=None,
                   help="max_epochs of the HILBERT ablations (default: the classifier's)")
    p.add_argument("--tasks", default=",".join(TASKS))
    p.add_argument("--methods", default="all")
    p.add_argument("--data-home", default=None)
    p.add_argument("--output", default="benchmarks/results/spoken",
                   help="folder of the per-task report folders")
    p.add_argument("--random-state", type=int, default=0)
    p.add_argument("--threads", type=int, default=1,
                   help="torch threads (1: fastest for the small networks, robust when shared)")
    p.add_argument("--no-doc", action="store_true", help="do not touch docs/benchmarks.md")
    p.add_argument("--note", default=None, help="paragraph added under the setup in the docs")
    p.add_argument("--closing", default=None, help="closing paragraph of the docs section")
    p.add_argument("--doc-only", action="store_true",
                   help="only rewrite the docs section from the finished tasks' summaries")
    return p.parse_args(argv)


def reading(task, rows):
    """A factual reading of one task's table: who wins, by how much, against fold noise."""
    by = {r["method"]: r for r in rows}
    ranked = sorted(rows, key=lambda r: -np.nan_to_num(r["auc_mean"], nan=-1))
    best = ranked[0]
    baselines = [r for r in rows if r["method"] in BASELINES and r["method"] != "Dummy (prior)"]
    text = f"**{task}** ({TASK_NOTES[task]}): best AUC {best['method']} " \
           f"{best['auc_mean']:.3f} ± {best['auc_std']:.3f}."
    if "HILBERT" in by and baselines:
        h = by["HILBERT"]
        b = max(baselines, key=lambda r: r["auc_mean"])
        diff = h["auc_mean"] - b["auc_mean"]
        noise = max(h["auc_std"], b["auc_std"])
        verdict = ("within the fold-to-fold spread" if abs(diff) <= noise else
                   "HILBERT ahead by more than the fold spread" if diff > 0 else
                   "the baseline ahead by more than the fold spread")
        rank = [r["method"] for r in ranked].index("HILBERT") + 1
        text += (f" HILBERT {h['auc_mean']:.3f} vs best baseline {b['method']} "
                 f"{b['auc_mean']:.3f} (difference {diff:+.3f}, {verdict}); HILBERT ranks "
                 f"{rank} of {len(rows)}. HILBERT fits in {h['fit_seconds']:.0f} s/fold, "
                 f"{b['method']} in {b['fit_seconds']:.1f} s/fold.")
    return text


def section(summaries, note=None, closing=None):
    """The ``spoken`` section of docs/benchmarks.md from the per-task summaries."""
    first = next(iter(summaries.values()))
    commands = sorted({s["command"] for s in summaries.values()})
    lines = [
        "## Spoken reviews: HILBERT vs logistic baselines", "",
        "Command(s), one process per task (they can run in parallel, sharing the corpus "
        "and the embedding cache):", "",
        *[f"    {c}" for c in commands], "",
        f"Machine: {first['machine']}.", "",
        first["setup"], "",
        *([note, ""] if note else []),
    ]
    for task, summary in summaries.items():
        rows = summary["rows"]
        lines += [f"### Task `{task}` ({TASK_NOTES[task]})", "", markdown_table(rows), "",
                  f"Wall time of this task's cross-validation: {summary['wall']:.0f} s. Total "
                  "seconds per method (all folds, fit + predict): " + ", ".join(
                      f"{r['method']} {r['total_seconds']:.0f}" for r in rows) + ".", ""]
    lines += ["### Reading", ""]
    lines += [f"- {reading(task, s['rows'])}" for task, s in summaries.items()]
    lines += ["", "Sentiment is carried by the words, voice by the sound, joint by both; "
              "the logistic baselines see mean and std of the segment embeddings, HILBERT the "
              "segments themselves. Figures come from this single run; fold spreads (± std "
              "over folds) are the noise to judge differences against."]
    if closing:
        lines += ["", closing]
    missing = [t for t in TASKS if t not in summaries]
    if missing:
        lines += ["", f"Not run / not finished: {', '.join(missing)}."]
    return "\n".join(lines)


def collect(output):
    """Summaries of the tasks finished so far under ``output``, in task order."""
    found = {}
    for task in TASKS:
        path = Path(output) / task / "summary.json"
        if path.exists():
            found[task] = json.loads(path.read_text())
    return found


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    threadpool_limits(args.threads)  # BLAS threads of the logistic baselines too
    if args.doc_only:
        write_section("spoken", section(collect(args.output), args.note, args.closing))
        return
    command = "python benchmarks/run_benchmark.py " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    t0 = time.perf_counter()
    manifest = build_spoken_reviews(args.data_home, n_docs=args.n_docs,
                                    max_segments=args.max_segments,
                                    random_state=args.random_state)
    t_corpus = time.perf_counter() - t0
    tasks = args.tasks.split(",")
    docs, labels = load_manifest(manifest, label=tasks)
    cache = Path(manifest).parent.parent / "cache"
    t1 = time.perf_counter()
    X = FrozenEncoderTransformer(cache=str(cache), max_segments=args.max_segments,
                                 device="cpu", progress=True).fit_transform(docs)
    t_encode = time.perf_counter() - t1
    n_seg = X["mask"].sum(axis=1)
    hilbert_params = {} if args.max_epochs is None else {"max_epochs": args.max_epochs}
    defaults = HilbertClassifier(**hilbert_params)
    setup = (
        f"{len(docs)} spoken reviews (`fetch_spoken_reviews`, first {args.max_segments} "
        f"segments of ~17 words; {int(n_seg.sum())} segments, {n_seg.mean():.1f} per document), "
        f"text encoder all-MiniLM-L6-v2, audio encoder logmel. Stratified {args.folds}-fold "
        f"CV x {args.repeats} repeat(s), the same folds for all methods; network methods "
        f"`HilbertClassifier(**ABLATIONS[method])` (the paper's rows as the paper describes "
        f"them, `HILBERT extended` with `EXTENDED`; `HILBERT stack` is "
        f"`HilbertStackingClassifier()`), max_epochs={defaults.max_epochs}; logistic "
        f"baselines with an inner 3-fold grid over C in (0.01, 0.1, 1). Building the corpus "
        f"took {t_corpus:.0f} s and encoding {t_encode:.0f} s "
        f"(both cached for later runs; not included in the per-method times). torch threads: "
        f"{args.threads}.")
    print(setup, flush=True)
    texts = [[s.text for s in d.segments][: int(k)] for d, k in zip(docs, n_seg)]
    for j, task in enumerate(tasks):
        y = labels[:, j]
        methods = make_methods(args.methods, hilbert_params=hilbert_params,
                               random_state=args.random_state)
        start = time.perf_counter()
        res = cross_validate_methods(methods, X, y, n_splits=args.folds,
                                     n_repeats=args.repeats, random_state=args.random_state)
        wall = time.perf_counter() - start
        out = Path(args.output) / task
        rows = write_report(res, out, doc_ids=[d.doc_id for d in docs], texts=texts,
                            title=f"Spoken reviews benchmark: {task}", description=setup)
        summary = {"rows": rows, "wall": wall, "command": command, "setup": setup,
                   "machine": machine_description()}
        (out / "summary.json").write_text(json.dumps(summary, indent=1))
        print(f"\n{task} ({wall:.0f} s)\n{text_table(rows)}\n", flush=True)
        if not args.no_doc:
            write_section("spoken", section(collect(args.output), args.note, args.closing))
    print(f"Total {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
