"""Benchmark the stacked search engine against scikit-learn's GridSearchCV.

Grid: the paper's four ablations (``sklearn_hilbert.ablation.ABLATIONS``) x
``--folds`` stratified folds on ``make_segment_data`` (3 classes 0.7/0.2/0.1).

- ``--mode cpu``: GridSearchCV (sequential skorch fits) vs BatchedGridSearchCV,
  both timed; the issue's protocol is 5 folds x 4 ablations on 400 documents.
- ``--mode gpu``: BatchedGridSearchCV on ``--device cuda`` (the paper's
  protocol: 25 folds x 4 ablations, 400 documents x 50 segments); the
  sequential side is timed on ``--sequential-fits`` fits and extrapolated.
  Counts the FLOPs of one training step (forward + backward, one model,
  ``torch.utils.flop_counter``) and reports the achieved FLOP/s.
- ``--check``: stacked vs sequential probabilities on the device with a
  deterministic configuration (no dropout, one batch per epoch).

Commands (docs/benchmarks.md):
    taskset -c 0,1 python benchmarks/bench_search.py --mode cpu --folds 5 --epochs 10
    python benchmarks/bench_search.py --mode gpu --device cuda --folds 25 --n-segments 50 --check
"""

import argparse
import json
import time

import numpy as np
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from torch.utils.flop_counter import FlopCounterMode

from sklearn_hilbert import HilbertClassifier
from sklearn_hilbert.experiments.ablation import ABLATIONS
from sklearn_hilbert.datasets import make_segment_data
from sklearn_hilbert.model_selection import BatchedGridSearchCV, fit_models

GRID = [{k: [v] for k, v in params.items()} or {"head": ["moe"]} for params in ABLATIONS.values()]


def data(args, seed):
    n_seg = args.n_segments if args.n_segments else (10, 40)
    n_seg = (n_seg, n_seg) if isinstance(n_seg, int) else n_seg
    return make_segment_data(n_docs=args.n_docs, n_segments=n_seg, n_classes=3,
                             weights=[0.7, 0.2, 0.1], signal="joint", random_state=seed)


def step_flops(clf, X, y):
    """FLOPs of one training step of one model (forward, loss, backward), counted by torch."""
    run = clone(clf).prepare_fit(X, y)[0]  # the initialised net and its training set
    net = run.net
    batch = np.arange(min(clf.batch_size, len(y)))
    Xb = {k: torch.as_tensor(run.X[k][batch], device=clf.device) for k in run.X.keys()}
    yb = torch.as_tensor(run.y[batch], device=clf.device)
    net.module_.train()
    with FlopCounterMode(display=False) as counter:
        out = net.module_(Xb["audio"], Xb["text"], Xb["mask"])
        net.criterion_(out, yb).backward()
    return counter.get_total_flops()


def check(args):
    X, y = make_segment_data(n_docs=120, n_segments=(20, 40), n_classes=3, random_state=11)
    base = HilbertClassifier(max_epochs=5, batch_size=512, dropout=0.0, segment_dropout=0.0,
                             device=args.device)
    models = [clone(base).set_params(random_state=s, **p)
              for s, p in enumerate(ABLATIONS.values())]
    stacked, _ = fit_models([(m, X[:100], y[:100]) for m in models], stack=True)
    diffs = [float(np.abs(s.predict_proba(X[100:]) - clone(m).fit(X[:100], y[:100])
                          .predict_proba(X[100:])).max()) for m, s in zip(models, stacked)]
    return {"max_abs_proba_diff_vs_sequential": max(diffs), "per_ablation": diffs}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mode", choices=("cpu", "gpu"), default="cpu")
    p.add_argument("--device", default="cpu")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--n-docs", type=int, default=400)
    p.add_argument("--n-segments", type=int, default=None, help="fixed segments per document "
                   "(default: 10-40)")
    p.add_argument("--epochs", type=int, default=None, help="max_epochs (default: the classifier's)")
    p.add_argument("--sequential-fits", type=int, default=2,
                   help="gpu mode: sequential fits timed to extrapolate GridSearchCV")
    p.add_argument("--n-jobs", type=int, default=None)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--seed", type=int, default=5, help="data seed")
    p.add_argument("--check", action="store_true")
    p.add_argument("--stack", choices=("auto", "true", "false"), default="true",
                   help="BatchedGridSearchCV(stack=...) (default: true, stack on every device)")
    p.add_argument("--tf32", action="store_true", help="allow TF32 matrix products on CUDA")
    p.add_argument("--output", default=None)
    args = p.parse_args()
    if args.tf32:
        torch.backends.cuda.matmul.allow_tf32 = True
    if args.threads:
        torch.set_num_threads(args.threads)
    X, y = data(args, args.seed)
    params = {"device": args.device, "random_state": 0}
    if args.epochs:
        params["max_epochs"] = args.epochs
    clf = HilbertClassifier(**params)
    cv = StratifiedKFold(args.folds, shuffle=True, random_state=0)
    result = {"args": vars(args), "torch": torch.__version__, "threads": torch.get_num_threads(),
              "n_fits": args.folds * len(GRID)}
    if args.device.startswith("cuda"):
        result["gpu"] = torch.cuda.get_device_name()
    # warm-up (CUDA context, kernels) on a tiny search
    BatchedGridSearchCV(clone(clf).set_params(max_epochs=1), GRID, cv=2, refit=False,
                        stack=True).fit(X[:64], y[:64])
    if args.device.startswith("cuda"):
        torch.cuda.synchronize()
    start = time.perf_counter()
    stack = {"auto": "auto", "true": True, "false": False}[args.stack]
    batched = BatchedGridSearchCV(clf, GRID, cv=cv, scoring="roc_auc_ovr", refit=False,
                                  n_jobs=args.n_jobs, stack=stack).fit(X, y)
    result["batched_seconds"] = time.perf_counter() - start
    result["batched_auc"] = batched.cv_results_["mean_test_score"].tolist()
    train_n = len(y) * (args.folds - 1) // args.folds
    steps = train_n // clf.batch_size * clf.max_epochs * result["n_fits"]
    flops = np.mean([step_flops(clone(clf).set_params(**{k: v[0] for k, v in g.items()}), X, y)
                     for g in GRID])
    result.update(step_flops=float(flops), model_steps=int(steps),
                  achieved_flops_per_s=float(flops * steps / result["batched_seconds"]))
    if args.mode == "cpu":
        start = time.perf_counter()
        seq = GridSearchCV(clf, GRID, cv=cv, scoring="roc_auc_ovr", refit=False,
                           n_jobs=args.n_jobs).fit(X, y)
        result["sequential_seconds"] = time.perf_counter() - start
        result["sequential_auc"] = seq.cv_results_["mean_test_score"].tolist()
    elif args.sequential_fits:
        splits = list(cv.split(np.zeros(len(y)), y))[: args.sequential_fits]
        start = time.perf_counter()
        for train, _ in splits:
            clone(clf).fit(X[train], y[train])
        per_fit = (time.perf_counter() - start) / len(splits)
        result["sequential_seconds_per_fit"] = per_fit
        result["sequential_seconds_extrapolated"] = per_fit * result["n_fits"]
    seq_s = result.get("sequential_seconds", result.get("sequential_seconds_extrapolated"))
    if seq_s:
        result["speedup"] = seq_s / result["batched_seconds"]
    if args.check:
        result["check"] = check(args)
    print(json.dumps(result, indent=1))
    if args.output:
        with open(args.output, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
