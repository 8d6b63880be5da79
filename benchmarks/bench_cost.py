"""Fit time of one HILBERT network against the stack, on the CPU (issue 21's reference size).

400 documents of 40-60 segments, 256-d audio and 384-d text (the default encoders'
widths), 40 epochs: the paper's network at ``d_model`` 128 and 64, the extended network,
and ``HilbertStackingClassifier()`` (5 fold networks of the extended network and the three
pooled logistic baselines) and its cheaper setting ``cv=3``.  Wall time and the process's
CPU time (robust to other load on the machine) with ``--threads`` torch threads; writes
the ``cost`` section of docs/benchmarks.md::

    python benchmarks/bench_cost.py --threads 2
"""

import argparse
import os
import time

import torch

from _report import machine_description, write_section
from sklearn_hilbert import EXTENDED, HilbertClassifier, HilbertStackingClassifier
from sklearn_hilbert.datasets import make_segment_data

ROWS = {
    "paper HILBERT, d_model=128": lambda: HilbertClassifier(d_model=128, random_state=0),
    "paper HILBERT (default, d_model=64)": lambda: HilbertClassifier(random_state=0),
    "HILBERT extended": lambda: HilbertClassifier(**EXTENDED, random_state=0),
    "HILBERT stack": lambda: HilbertStackingClassifier(random_state=0),
    "HILBERT stack, cv=3": lambda: HilbertStackingClassifier(cv=3, random_state=0),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rows", nargs="+", default=list(ROWS))
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    X, y = make_segment_data(n_docs=400, n_segments=(40, 60), n_classes=3,
                             weights=[0.6, 0.3, 0.1], d_audio=256, d_text=384, random_state=7)
    lines = ["| model | wall s | CPU s | x one paper fit (wall) |", "|---|---|---|---|"]
    reference = None
    for row in args.rows:
        wall, cpu = time.perf_counter(), time.process_time()
        ROWS[row]().fit(X, y)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        reference = wall if row.startswith("paper HILBERT (default") else reference
        ratio = f"{wall / reference:.1f}" if reference else ""
        lines.append(f"| {row} | {wall:.1f} | {cpu:.1f} | {ratio} |")
        print(lines[-1], flush=True)
    md = "\n".join([
        "## Fit time: one network against the stack (`benchmarks/bench_cost.py`)", "",
        f"Command: `python benchmarks/bench_cost.py --threads {args.threads}`. Machine: "
        f"{machine_description()}. 400 documents of 40-60 segments, audio 256-d, text 384-d, "
        "3 classes, 40 epochs (the defaults). CPU s is the process's CPU time (all threads).",
        "", *lines])
    print(md)
    if not args.no_doc:
        write_section("cost", md)


if __name__ == "__main__":
    main()
