"""``hilbert fit`` and ``hilbert predict``: one method on all documents, saved with joblib;
its probabilities (classification) or predicted scores (regression) on a manifest."""

import csv
import sys
import time

from ._common import (add_encoder_options, add_model_options, hilbert_params, load_documents,
                      log, transformer)
from .labels import MAX_CLASSES, Label, label_values


def add_fit_parsers(sub):
    """Add ``hilbert fit`` and ``hilbert predict`` to the ``hilbert`` command's sub-parsers."""
    p = sub.add_parser("fit", help="fit encoders + one method on a manifest; save with joblib")
    p.add_argument("manifest")
    p.add_argument("--label", required=True)
    p.add_argument("--task", choices=("classification", "regression"), default=None,
                   help=f"default: a numeric label with more than {MAX_CLASSES} distinct values "
                        "is a regression")
    p.add_argument("--method", default="HILBERT", help="method to fit (default: HILBERT)")
    p.add_argument("-o", "--output", required=True, help="model file, e.g. model.joblib")
    add_encoder_options(p)
    add_model_options(p)

    p = sub.add_parser("predict", help="class probabilities (or predicted scores) of every "
                                       "document of a manifest")
    p.add_argument("model", help="file written by `hilbert fit`")
    p.add_argument("manifest")
    p.add_argument("-o", "--output", default=None, help="CSV file (default: standard output)")
    p.add_argument("--keep-speaker", default=None, metavar="VALUE",
                   help="keep only the segments of this speaker (as for `hilbert fit`)")
    p.add_argument("-q", "--quiet", action="store_true")


def cmd_fit(args):
    import joblib
    from sklearn.pipeline import make_pipeline

    from ..experiments.methods import make_methods, make_regressors

    docs, _ = load_documents(args.manifest, args.label, args)
    y, task = label_values(Label(args.label), docs, args.task)
    make = make_regressors if task == "regression" else make_methods
    method = make([args.method], hilbert_params=hilbert_params(args),
                  random_state=args.random_state)
    pipe = make_pipeline(transformer(args), *method.values())
    start = time.perf_counter()
    log(args, f"Fitting {', '.join(method)} ({task}) on {len(docs)} documents")
    pipe.fit(docs, y)
    joblib.dump(pipe, args.output)
    what = f"classes {list(pipe.classes_)}" if task == "classification" else "a regression"
    log(args, f"Fitted in {time.perf_counter() - start:.1f} s; {what}; saved to {args.output}")
    return pipe


def load_model(path):
    """The pipeline saved by ``hilbert fit``; a clear ValueError for any other file."""
    import joblib

    try:
        pipe = joblib.load(path)
    except OSError:
        raise  # missing or unreadable file: its own message
    except Exception as exc:  # not a joblib/pickle file, or one of another library version
        raise ValueError(f"{str(path)!r} is not a model written by `hilbert fit` "
                         f"({type(exc).__name__}: {exc})") from None
    if not (_is_classifier(pipe) or _is_regressor(pipe)):
        raise ValueError(f"{str(path)!r} is not a model written by `hilbert fit` (it holds a "
                         f"{type(pipe).__name__})")
    return pipe


def _is_classifier(pipe):
    return hasattr(pipe, "predict_proba") and hasattr(pipe, "classes_")


def _is_regressor(pipe):
    from sklearn.base import is_regressor

    try:
        return hasattr(pipe, "predict") and is_regressor(pipe)
    except Exception:  # an object without scikit-learn tags
        return False


def cmd_predict(args):
    pipe = load_model(args.model)
    docs, _ = load_documents(args.manifest, None, args)
    classifier = _is_classifier(pipe)
    values = pipe.predict_proba(docs) if classifier else pipe.predict(docs)
    out = open(args.output, "w", newline="") if args.output else sys.stdout
    try:
        writer = csv.writer(out)
        if classifier:
            writer.writerow(["doc_id", *[str(c) for c in pipe.classes_]])
            for doc, p in zip(docs, values):
                writer.writerow([doc.doc_id, *[f"{v:.6f}" for v in p]])
        else:
            writer.writerow(["doc_id", "prediction"])
            for doc, v in zip(docs, values):
                writer.writerow([doc.doc_id, f"{float(v):.6g}"])
    finally:
        if args.output:
            out.close()
    if args.output:
        log(args, f"Wrote the predictions of {len(docs)} documents to {args.output}")
    return values
