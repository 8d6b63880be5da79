"""AUC effect of ``HilbertClassifier(n_seeds=k)`` on small data (docs/benchmarks.md).

5-fold macro one-vs-rest AUC of the default classifier with n_seeds 1 and 3 on
``make_segment_data`` (120 documents, 3 classes 0.7/0.2/0.1) for the given data
seeds and signals.  Run: ``python benchmarks/bench_seeds.py --data-seeds 11 12``.
"""

import argparse
import json

import numpy as np
import torch
from sklearn.model_selection import StratifiedKFold, cross_val_score

from sklearn_hilbert import HilbertClassifier
from sklearn_hilbert.datasets import make_segment_data


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data-seeds", type=int, nargs="+", default=[11, 12])
    p.add_argument("--signals", nargs="+", default=["joint"])
    p.add_argument("--n-docs", type=int, default=120)
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 3])
    args = p.parse_args()
    torch.set_num_threads(1)
    rows = []
    for signal in args.signals:
        for data_seed in args.data_seeds:
            X, y = make_segment_data(n_docs=args.n_docs, n_classes=3, weights=[0.7, 0.2, 0.1],
                                     signal=signal, random_state=data_seed)
            cv = StratifiedKFold(5, shuffle=True, random_state=0)
            for k in args.seeds:
                auc = cross_val_score(HilbertClassifier(n_seeds=k, random_state=0), X, y, cv=cv,
                                      scoring="roc_auc_ovr")
                rows.append({"signal": signal, "data_seed": data_seed, "n_seeds": k,
                             "auc_mean": float(auc.mean()), "auc_std": float(auc.std())})
                print(json.dumps(rows[-1]), flush=True)


if __name__ == "__main__":
    main()
