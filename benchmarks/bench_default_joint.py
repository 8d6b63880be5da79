"""``HilbertClassifier()`` (the paper's HILBERT) on ``make_segment_data(signal="joint")``, on data seeds of your choice.

The protocol of ``bench_classifier.py`` (400 documents, 3 classes at 0.7/0.2/0.1, 5
stratified folds shuffled with seed 0, macro one-vs-rest AUC), for ``HilbertClassifier()``
as it is and for any parameters given as ``name=value``::

    python benchmarks/bench_default_joint.py --seeds 3 4 --jobs 2
    python benchmarks/bench_default_joint.py --seeds 3 segment_interactions=16

Prints one line per data seed: mean +/- std over the folds, and the per-fold AUCs.
"""

import argparse
import ast

import numpy as np
from sklearn.model_selection import StratifiedKFold, cross_val_score

from sklearn_hilbert import HilbertClassifier
from sklearn_hilbert.datasets import make_segment_data


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[3])
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--jobs", type=int, default=1, help="folds fitted in parallel")
    parser.add_argument("params", nargs="*", help="HilbertClassifier parameters, name=value")
    args = parser.parse_args()
    params = {k: ast.literal_eval(v) for k, v in (p.split("=", 1) for p in args.params)}
    for seed in args.seeds:
        X, y = make_segment_data(n_docs=args.docs, n_classes=3, weights=[0.7, 0.2, 0.1],
                                 signal="joint", random_state=seed)
        scores = cross_val_score(HilbertClassifier(random_state=0, **params), X, y,
                                 cv=StratifiedKFold(5, shuffle=True, random_state=0),
                                 scoring="roc_auc_ovr", n_jobs=args.jobs)
        print(f"data seed {seed} {params or 'default'}: {scores.mean():.3f} +/- {scores.std():.3f} "
              f"({', '.join(f'{s:.3f}' for s in scores)})", flush=True)


if __name__ == "__main__":
    main()
