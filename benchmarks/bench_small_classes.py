"""Small, imbalanced, many-class data: HILBERT, extended and stack against pooled logistic regression.

The regime of a small corpus with a few rare classes (for instance 120 interviews on
5 topics, the rarest with about ten documents): ``make_segment_data(signal="text",
n_docs=120, n_classes=5, weights=[0.4, 0.25, 0.15, 0.12, 0.08])``, the label in the
text segments only (pooled logistic regression is the reference), 5 stratified folds
shuffled with seed 0, macro one-vs-rest AUC::

    python benchmarks/bench_small_classes.py --seeds 300 301 302 --jobs 2

Rows: logistic regression on pooled text and on both modalities (inner grid over C),
the paper's HILBERT (``HilbertClassifier()``), HILBERT extended and HILBERT stack.
Prints one line per data seed and row: mean +/- std over the folds, and the fold AUCs.
"""

import argparse

from sklearn.model_selection import StratifiedKFold, cross_val_score

from sklearn_hilbert.datasets import make_segment_data
from sklearn_hilbert.experiments.methods import make_methods

WEIGHTS = [0.4, 0.25, 0.15, 0.12, 0.08]


def rows():
    return make_methods(["LogReg text", "LogReg early fusion", "HILBERT", "HILBERT extended",
                         "HILBERT stack"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[300])
    parser.add_argument("--docs", type=int, default=120)
    parser.add_argument("--strength", type=float, default=0.3,
                        help="make_segment_data strength: how often a text segment carries the label")
    parser.add_argument("--jobs", type=int, default=1, help="folds fitted in parallel")
    args = parser.parse_args()
    for seed in args.seeds:
        X, y = make_segment_data(n_docs=args.docs, n_classes=len(WEIGHTS), weights=WEIGHTS,
                                 signal="text", strength=args.strength, random_state=seed)
        for name, estimator in rows().items():
            scores = cross_val_score(estimator, X, y, scoring="roc_auc_ovr", n_jobs=args.jobs,
                                     cv=StratifiedKFold(5, shuffle=True, random_state=0))
            print(f"data seed {seed}, {name}: {scores.mean():.3f} +/- {scores.std():.3f} "
                  f"({', '.join(f'{s:.3f}' for s in scores)})", flush=True)


if __name__ == "__main__":
    main()
