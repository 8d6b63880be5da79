"""HilbertRegressor against ridge regression on pooled features, on two synthetic scores.

``make_segment_regression`` draws a latent share ``s`` per document; the target is
``s`` plus noise.  On the ``segment`` target ``s`` is the share of segments whose text
state pairs with their audio state (pooled statistics do not move with ``s``: ridge on
pooled features is near R^2 = 0); on the ``pooled`` target it is the share of segments
with one text state (the mean text embedding moves linearly with ``s``: ridge is near
its best).  Each model is trained on ``n`` documents and scored on 2000 fresh ones (R^2);
mean ± std over data seeds.  The oracle row predicts the noiseless ``s``.

Report (fresh data seeds, writes the ``regression`` section of docs/benchmarks.md)::

    python benchmarks/bench_regression.py --seeds 0 1 2 --jobs 2

Choice of the loss (squared error or Huber; selection seeds, never reported as results)::

    python benchmarks/bench_regression.py --select --seeds 100 101 --jobs 2

Every fit uses one torch thread; ``--jobs`` processes run in parallel.
"""

import argparse
import itertools
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import r2_score

from _report import machine_description, write_section
from sklearn_hilbert import HilbertRegressor, HilbertStackingRegressor
from sklearn_hilbert.datasets import make_segment_regression
from sklearn_hilbert.experiments.ablation import ABLATIONS
from sklearn_hilbert.stacking import pooled_ridge

RIDGE = {"Ridge audio": ("audio",), "Ridge text": ("text",), "Ridge early fusion": ("audio", "text")}
REPORT = ["oracle", *RIDGE, "HILBERT", "HILBERT extended", "HILBERT stack"]
SELECT = ["oracle", *RIDGE, "HILBERT (squared error)", "HILBERT (huber)"]


def model(row):
    if row in RIDGE:
        return pooled_ridge(RIDGE[row])
    if row == "HILBERT stack":
        network = HilbertRegressor(random_state=0, **ABLATIONS["HILBERT extended"])
        return HilbertStackingRegressor(network, random_state=0)
    if row.startswith("HILBERT ("):
        loss = "huber" if "huber" in row else "squared_error"
        return HilbertRegressor(random_state=0, loss=loss, **ABLATIONS["HILBERT"])
    return HilbertRegressor(random_state=0, **ABLATIONS[row])


def run_one(target, n_docs, seed, row, n_test):
    torch.set_num_threads(1)
    X, y, share = make_segment_regression(n_docs + n_test, target=target, random_state=seed)
    train, test = slice(0, n_docs), slice(n_docs, None)
    start = time.perf_counter()
    pred = share[test] if row == "oracle" else model(row).fit(X[train], y[train]).predict(X[test])
    return dict(target=target, n_docs=n_docs, seed=seed, row=row,
                r2=float(r2_score(y[test], pred)), fit_s=time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--select", action="store_true", help="compare the losses")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--n-docs", type=int, default=400)
    parser.add_argument("--test-docs", type=int, default=2000)
    parser.add_argument("--rows", nargs="+", default=None)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--out", default="benchmarks/results/regression")
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args()
    os.environ["OMP_NUM_THREADS"] = "1"
    rows = args.rows or (SELECT if args.select else REPORT)
    targets = ("segment", "pooled")
    jobs = list(itertools.product(targets, [args.n_docs], args.seeds, rows))
    jobs.sort(key=lambda j: "stack" not in j[3])  # longest first
    out = Path(args.out) / ("selection" if args.select else "report")
    out.mkdir(parents=True, exist_ok=True)
    start = time.time()
    results = []
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(args.jobs, mp_context=ctx) as pool, \
            open(out / "results.jsonl", "w") as log:
        futures = [pool.submit(run_one, *job, args.test_docs) for job in jobs]
        for future in as_completed(futures):
            results.append(future.result())
            log.write(json.dumps(results[-1]) + "\n")
            log.flush()
    wall = time.time() - start
    lines = ["| row | " + " | ".join(f"{t} target: R^2" for t in targets) + " | fit s (mean) |",
             "|---|" + "---|" * (len(targets) + 1)]
    for row in rows:
        cells = []
        for t in targets:
            r2 = [r["r2"] for r in results if (r["target"], r["row"]) == (t, row)]
            cells.append(f"{np.mean(r2):.3f} ± {np.std(r2):.3f}")
        secs = [r["fit_s"] for r in results if r["row"] == row]
        lines.append(f"| {row} | " + " | ".join(cells) + f" | {np.mean(secs):.1f} |")
    command = (f"python benchmarks/bench_regression.py{' --select' if args.select else ''} "
               f"--seeds {' '.join(map(str, args.seeds))} --jobs {args.jobs}")
    md = "\n".join([
        "## HilbertRegressor against pooled ridge (`benchmarks/bench_regression.py`)"
        if not args.select else "## Choice of the regression loss (selection seeds; not a result)",
        "",
        f"Command: `{command}` ({wall / 60:.1f} min). Machine: {machine_description()}; "
        f"{args.jobs} processes of one torch thread. Train on {args.n_docs} documents, score "
        f"R^2 on {args.test_docs} fresh documents; mean ± std over data seeds {args.seeds}. "
        "Networks: `HilbertRegressor(random_state=0, **ABLATIONS[row])`; the stack: "
        "`HilbertStackingRegressor` of `HILBERT extended` and the three ridge baselines "
        "(5 inner folds). Oracle: the noiseless latent share.",
        "",
        *lines,
    ])
    (out / "results.md").write_text(md + "\n")
    print(md)
    if not args.no_doc and not args.select:
        write_section("regression", md)


if __name__ == "__main__":
    main()
