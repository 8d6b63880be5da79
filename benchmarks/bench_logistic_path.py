"""The logistic path's own effect: the default with and without it, from one trained network.

``pooled_logistic`` takes no part in training (its path weight is 0 until the
paths are weighed), so one fit of ``HilbertClassifier(random_state=0)`` gives
both: scored as it is, then with the logistic path's coefficients zeroed and
the path weights refitted on the same held-out documents (``pooled_logistic=
False`` bit for bit).  The difference is the path's effect alone, without the
noise of a second training run.

Tasks: the six families of ``bench_models.py`` (train on 120 or 400 documents,
score on 2000 fresh ones) and the small many-class corpus of
``bench_small_classes.py`` (120 documents, 5 classes 0.40-0.08, 5 stratified
folds); macro one-vs-rest AUC. The default was chosen with::

    python benchmarks/bench_logistic_path.py --suite-seeds 100 101 102 --small-seeds 200 201 202 --jobs 2

Prints one line per task (mean over seeds or folds) and writes every fit's
result as JSON lines to ``--out``.
"""

import argparse
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np

WEIGHTS = [0.4, 0.25, 0.15, 0.12, 0.08]
FAMILIES = ["prototypes", "cooccurrence", "imbalance", "pooled", "order", "nuisance"]


def _without_logistic_path(clf, X, y):
    """Turn ``clf`` (fitted) into its ``pooled_logistic=False`` twin, in place."""
    from sklearn.base import clone

    from sklearn_hilbert._training_set import prepare_training
    from sklearn_hilbert.nn.path_weights import weigh_net_paths

    holdout = prepare_training(clone(clf), X, y).holdout  # the same documents, same seed
    module = clf.net_.module_
    module.pooled_logistic.weight.zero_()
    module.pooled_logistic.bias.zero_()
    if holdout is not None:
        weigh_net_paths(clf.net_, holdout.X, holdout.y, None, clf.prior_shift_, "cpu")


def run(task, size, seed, fold):
    import torch
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    from sklearn_hilbert import HilbertClassifier
    from sklearn_hilbert.datasets import make_segment_data
    from sklearn_hilbert.datasets.tasks import make_task

    torch.set_num_threads(1)
    if task == "small classes":
        X, y = make_segment_data(n_docs=size, n_classes=len(WEIGHTS), weights=WEIGHTS,
                                 signal="text", strength=0.3, random_state=seed)
        folds = StratifiedKFold(5, shuffle=True, random_state=0).split(np.zeros(len(y)), y)
        train, test = list(folds)[fold]
    else:
        X, y, _ = make_task(task, size + 2000, random_state=seed)
        train, test = np.arange(size), np.arange(size, size + 2000)
    clf = HilbertClassifier(random_state=0).fit(X[train], y[train])
    record = dict(task=task, n_docs=size, seed=seed, fold=fold,
                  weights=clf.path_weights_, modalities=list(clf.logistic_modalities_),
                  C=clf.logistic_C_)
    record["with"] = roc_auc_score(y[test], clf.predict_proba(X[test]), multi_class="ovr")
    _without_logistic_path(clf, X[train], y[train])
    record["without"] = roc_auc_score(y[test], clf.predict_proba(X[test]), multi_class="ovr")
    return record


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite-seeds", type=int, nargs="*", default=[100, 101, 102])
    parser.add_argument("--small-seeds", type=int, nargs="*", default=[200, 201, 202])
    parser.add_argument("--sizes", type=int, nargs="+", default=[120, 400])
    parser.add_argument("--families", nargs="+", default=FAMILIES)
    parser.add_argument("--jobs", type=int, default=1, help="processes of one torch thread")
    parser.add_argument("--out", default="benchmarks/results/logistic-path/results.jsonl")
    args = parser.parse_args()
    os.environ["OMP_NUM_THREADS"] = "1"
    jobs = [(f, n, s, 0) for n in sorted(args.sizes, reverse=True) for f in args.families
            for s in args.suite_seeds]
    jobs += [("small classes", 120, s, k) for s in args.small_seeds for k in range(5)]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    results = []
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(args.jobs, mp_context=ctx) as pool, open(args.out, "w") as log:
        for future in as_completed([pool.submit(run, *job) for job in jobs]):
            results.append(future.result())
            log.write(json.dumps(results[-1]) + "\n")
            log.flush()
    print("| task | with the logistic path | without | difference |\n|---|---|---|---|")
    tasks = sorted({(r["task"], r["n_docs"]) for r in results},
                   key=lambda t: (t[0] == "small classes", FAMILIES.index(t[0])
                                  if t[0] in FAMILIES else 0, t[1]))
    for task, n in tasks:
        rows = [r for r in results if (r["task"], r["n_docs"]) == (task, n)]
        w, wo = np.mean([r["with"] for r in rows]), np.mean([r["without"] for r in rows])
        print(f"| {task} {n} | {w:.3f} | {wo:.3f} | {w - wo:+.3f} |")


if __name__ == "__main__":
    main()
