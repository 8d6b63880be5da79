"""Do segment attributions find the segments that hold the evidence?  Writes its section of
docs/benchmarks.md.

The data: ``make_event_share_data`` (``sklearn_hilbert/datasets/synthetic.py``), two
classes of documents told apart by the *share* of their segments that hold a text event
(label 1: share at least the median).  Its settings were fixed from that description
before any model was run on it, and the attribution definition was chosen on
``make_segment_data`` (``docs/decisions.md``, 2026-12-06): it is a generator the
attributions were not tuned on.  Data seed 0 was used to diagnose the old attributions and
is not reported.

Each estimator (``HilbertClassifier()``, ``HilbertClassifier(**EXTENDED)``,
``HilbertStackingClassifier()``, all at a modest size: ``d_model=64``, 30 epochs, the stack
with 3 inner folds) is trained on the first 240 documents; on the 60 held-out ones each
document's real segments are ranked by ``segment_attributions(X, target=...)`` and scored by
precision@k, k = the document's number of event segments (documents with at least one
event and one non-event segment), against chance (the share of event segments).  The target
is the event class (1), whose evidence the events are; the predicted class (``target=None``)
is reported beside it, because for a document predicted "low share" the event segments are
evidence *against* the explained class.  The ceiling: a logistic regression trained on the
training documents' segments with the true event labels, ranking held-out segments.

Run ``python benchmarks/bench_attribution.py`` (seeds 1 2 3; about 8 minutes on one core);
``--quick`` for a smoke run (seed 0, 3 epochs, no docs update).
"""

import argparse
import sys
import time

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from _report import machine_description, write_section
from sklearn_hilbert import EXTENDED, HilbertClassifier, HilbertStackingClassifier
from sklearn_hilbert.datasets.synthetic import make_event_share_data

N_DOCS, N_TRAIN = 300, 240
SIZE = {"d_model": 64, "max_epochs": 30}
ESTIMATORS = ("HILBERT", "HILBERT extended", "HILBERT stack")
KINDS = ("segment", "audio", "text")


def precision_at_k(scores, events, mask):
    """Mean over documents of the share of events among the k highest-scored real segments,
    k = the document's number of event segments (documents with 0 < k < segments)."""
    hits = []
    for s, e, m in zip(scores, events, mask):
        k = int(e.sum())
        if 0 < k < m.sum():
            top = np.argsort(-np.where(m, s, -np.inf), kind="stable")[:k]
            hits.append(e[top].mean())
    return float(np.mean(hits))


def make_estimator(name, size, seed=0):
    if name == "HILBERT":
        return HilbertClassifier(random_state=seed, **size)
    if name == "HILBERT extended":
        return HilbertClassifier(random_state=seed, **EXTENDED, **size)
    return HilbertStackingClassifier(HilbertClassifier(**EXTENDED, **size), cv=3,
                                     random_state=seed)


def ceiling(X, events, train, test):
    """Precision@k of a per-segment logistic regression trained on the true events."""
    def features(Z):
        return np.concatenate([Z["audio"], Z["text"]], axis=-1)

    m_tr, m_te = X["mask"][train], X["mask"][test]
    lr = LogisticRegression(max_iter=2000).fit(features(X[train])[m_tr], events[train][m_tr])
    f = features(X[test])
    score = lr.decision_function(f.reshape(-1, f.shape[-1])).reshape(m_te.shape)
    return precision_at_k(score, events[test], m_te)


def run(seed, size):
    X, y, events = make_event_share_data(n_docs=N_DOCS, random_state=seed, return_carriers=True)
    train, test = np.arange(N_TRAIN), np.arange(N_TRAIN, N_DOCS)
    Xt, et, mask = X[test], events[test], X["mask"][test]
    rows = []
    common = {"seed": seed, "chance": float(et[mask].mean()),
              "ceiling": ceiling(X, events, train, test)}
    for name in ESTIMATORS:
        start = time.perf_counter()
        est = make_estimator(name, size).fit(X[train], y[train])
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        att = est.segment_attributions(Xt, target=1)
        att_s = time.perf_counter() - start
        predicted = est.segment_attributions(Xt)["segment"]
        row = {**common, "estimator": name, "fit_s": fit_s, "att_s": att_s,
               "auc": roc_auc_score(y[test], est.predict_proba(Xt)[:, 1]),
               "predicted": precision_at_k(predicted, et, mask),
               "pooled_auc": roc_auc_score(et[mask], att["segment"][mask])}
        row.update({k: precision_at_k(att[k], et, mask) for k in KINDS})
        rows.append(row)
        print(f"seed {seed} {name}: AUC {row['auc']:.3f} chance {row['chance']:.2f} "
              f"ceiling {row['ceiling']:.2f} " + " ".join(f"{k} {row[k]:.2f}" for k in KINDS)
              + f" predicted-class {row['predicted']:.2f} pooled AUC {row['pooled_auc']:.2f} "
              f"(fit {fit_s:.0f} s, attributions {att_s:.1f} s)", flush=True)
    return rows


COLUMNS = (("auc", "held-out AUC"), ("chance", "chance"), ("segment", "segment"),
           ("audio", "audio"), ("text", "text"), ("predicted", "segment, predicted class"),
           ("pooled_auc", "segment AUC across documents"), ("ceiling", "ceiling"))


def markdown(rows, seeds, command):
    lines = [
        "## Segment attributions against known evidence",
        "",
        f"Command: `{command}`. Machine: {machine_description()}.",
        "",
        f"`make_event_share_data(n_docs={N_DOCS}, random_state=seed, return_carriers=True)` "
        "(its defaults: 20-60 segments, event rate U(0.05, 0.45) per document, event vector "
        "of entries N(0, 0.5^2) added to the text; settings fixed before any model ran on it, "
        "and not used to choose the attributions): label 1 when a document's share of event "
        f"segments is at least the median. Trained on the first {N_TRAIN} documents, "
        f"attributions of the {N_DOCS - N_TRAIN} held-out ones. Estimators: "
        "`HilbertClassifier(d_model=64, max_epochs=30)`, the same with `**EXTENDED`, and "
        "`HilbertStackingClassifier(HilbertClassifier(**EXTENDED, d_model=64, max_epochs=30), "
        "cv=3)` (all `random_state=0`). Precision@k: share of event segments among a "
        "document's k highest-attributed segments, k its number of event segments, mean over "
        "documents; `segment`, `audio`, `text`: the three hidings of "
        "`segment_attributions(X, target=1)` (log-odds of the event class); `segment, "
        "predicted class`: `target=None`, where a document predicted 'low share' has its "
        "events ranked last, rightly (they argue against that class); `segment AUC across "
        "documents`: the event class's segment attributions of all held-out segments pooled, "
        "against the true events (comparable across documents only in log-odds); chance: "
        "share of event segments; ceiling: a per-segment logistic regression trained on the "
        "training segments' true events. "
        f"Seeds {seeds} (seed 0 was used to diagnose the old attributions). Mean over seeds, "
        "min-max in brackets.",
        "",
        "| estimator | " + " | ".join(label for _, label in COLUMNS) + " |",
        "|---|" + "---|" * len(COLUMNS),
    ]
    for name in ESTIMATORS:
        sub = [r for r in rows if r["estimator"] == name]

        def cell(key):
            v = np.array([r[key] for r in sub])
            return f"{v.mean():.2f} [{v.min():.2f}-{v.max():.2f}]"

        lines.append(f"| {name} | " + " | ".join(cell(k) for k, _ in COLUMNS) + " |")
    mean = {name: {k: np.mean([r[k] for r in rows if r["estimator"] == name])
                   for k, _ in COLUMNS} for name in ESTIMATORS}
    lines += ["", "Reading (means over seeds): with the event class as target, hiding a segment "
              "ranks the event segments at precision@k "
              + ", ".join(f"{mean[n]['segment']:.2f} ({n})" for n in ESTIMATORS)
              + f", against chance {mean[ESTIMATORS[0]]['chance']:.2f} and a ceiling of "
              f"{mean[ESTIMATORS[0]]['ceiling']:.2f}; hiding only the text (where the events "
              "are) ranks them at "
              + ", ".join(f"{mean[n]['text']:.2f}" for n in ESTIMATORS)
              + ", hiding only the audio at chance. With the predicted class as target the same "
              "attributions score "
              + ", ".join(f"{mean[n]['predicted']:.2f}" for n in ESTIMATORS)
              + ": in documents predicted 'low share' the events are the segments that "
              "argue against the prediction, and rank last. The stack's attributions are those "
              "of its final output: where its final estimator puts its weight on a pooled "
              "logistic baseline, a segment's attribution includes that baseline's linear "
              "reading of the segment's irrelevant audio, and the stack ranks the events less "
              "well than the networks alone. Attributions explain the fitted model: none of "
              "these models reaches the ceiling's segment-level view (held-out AUC 0.7-0.8 here)."]
    cost = {name: (np.mean([r["fit_s"] for r in rows if r["estimator"] == name]),
                   np.mean([r["att_s"] for r in rows if r["estimator"] == name]))
            for name in ESTIMATORS}
    lines += ["", "Cost (shared, loaded machine, one thread): "
              + "; ".join(f"{n} fit {f:.0f} s, attributions of the held-out documents "
                          f"{a:.1f} s" for n, (f, a) in cost.items()) + ".", ""]
    lines += ["Per seed:", "", "| seed | estimator | " + " | ".join(l for _, l in COLUMNS) + " |",
              "|---|---|" + "---|" * len(COLUMNS)]
    for r in rows:
        lines.append(f"| {r['seed']} | {r['estimator']} | "
                     + " | ".join(f"{r[k]:.2f}" for k, _ in COLUMNS) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--quick", action="store_true", help="seed 0, 3 epochs, no docs update")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    seeds = [0] if args.quick else args.seeds
    size = {**SIZE, "max_epochs": 3} if args.quick else SIZE
    rows = [row for seed in seeds for row in run(seed, size)]
    command = " ".join(["python benchmarks/bench_attribution.py", *sys.argv[1:]])
    text = markdown(rows, seeds, command)
    print(text)
    if not args.quick:
        write_section("attribution", text)


if __name__ == "__main__":
    main()
