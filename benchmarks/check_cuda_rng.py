"""Check on a CUDA machine that fit leaves the caller's CUDA generator alone (issue 10).

Run ``python benchmarks/check_cuda_rng.py``; prints the checks and exits 1 on a failure.
"""

import sys

import numpy as np
import torch

from sklearn_hilbert import HilbertClassifier
from sklearn_hilbert.datasets import make_segment_data


def main():
    if not torch.cuda.is_available():
        print("no CUDA device; nothing to check")
        return 0
    X, y = make_segment_data(n_docs=60, n_segments=(3, 9), random_state=0)
    small = dict(d_model=16, n_heads=2, proj_dim=16, n_experts=4, max_epochs=2, random_state=0)
    torch.cuda.manual_seed(123)
    state = torch.cuda.get_rng_state().clone()
    a = HilbertClassifier(device="cuda", **small).fit(X, y)
    same_state = torch.equal(torch.cuda.get_rng_state(), state)
    b = HilbertClassifier(device="cuda", **small).fit(X, y)
    repeat = np.abs(a.predict_proba(X) - b.predict_proba(X)).max()
    cpu = HilbertClassifier(device="cpu", **small).fit(X, y)
    print(f"CUDA generator unchanged by fit: {same_state}; max |proba difference| between two "
          f"cuda fits at one random_state: {repeat:.2e}; cpu fit after cuda: ok "
          f"({cpu.predict_proba(X).shape})")
    return 0 if same_state else 1


if __name__ == "__main__":
    sys.exit(main())
