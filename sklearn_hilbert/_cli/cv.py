"""``hilbert cv``: cross-validate (or fit on an official split) every method on one
encoding, for one label or several, and write the report folders.

::

    hilbert cv MANIFEST --label COL[,COL...] [--binarize 'COL>=N'] [--task ...]
               [--groups COL | --split COL] [--subgroups COL] [--keep-speaker VALUE]
"""

import argparse
import shlex
import sys
import time
from pathlib import Path

import numpy as np

from .._optional import require_optional
from ._common import (DASK, add_encoder_options, add_model_options, cache_dir, cluster,
                      hilbert_params, load_documents, log, slug, transformer)
from .labels import MAX_CLASSES, Label, label_values, parse_labels


def add_cv_options(p):
    """Options of every cross-validating command (``cv`` and ``demo``)."""
    p.add_argument("--folds", type=int, default=5, help="folds (default: 5)")
    p.add_argument("--repeats", type=int, default=1, help="repeats of the folds (default: 1)")
    p.add_argument("--methods", default="all",
                   help="comma-separated methods, or 'baselines', 'ablations', 'all' "
                        "(see `hilbert methods`)")
    p.add_argument("--output", "-o", default=None, help="report folder")
    p.add_argument("--grid", default=None,
                   help="loss-weight search inside each fold for HILBERT, e.g. "
                        "'lambda_cka=0,0.1,1;lambda_mi=0,0.1' (inner 3-fold CV, stacked; "
                        "classification labels)")
    p.add_argument("--scheduler", default=None,
                   help="dask.distributed scheduler ADDRESS (e.g. tcp://host:8786): train the "
                        "network stacks on that cluster (one worker per GPU)")
    p.add_argument("--attention-docs", type=int, default=3,
                   help="documents whose attention is drawn (default: 3)")


def add_cv_parser(sub):
    """Add ``hilbert cv`` to the ``hilbert`` command's sub-parsers."""
    p = sub.add_parser("cv", help="cross-validate all methods on a manifest and write a report")
    p.add_argument("manifest", help="CSV/JSONL manifest: doc_id, audio_path, start, end, text, "
                                    "label columns")
    p.add_argument("--label", default=None,
                   help="label column, or several comma-separated (one report each and a "
                        "summary table)")
    p.add_argument("--binarize", action="append", default=[], metavar="'COL>=N'",
                   help="a classification label made from a numeric column: COL OP NUMBER "
                        "with OP one of >=, >, <=, <, == (class 1 where it holds); repeatable")
    p.add_argument("--task", choices=("classification", "regression"), default=None,
                   help=f"how to treat the --label columns (default: a numeric label with more "
                        f"than {MAX_CLASSES} distinct values is a regression, any other a "
                        "classification)")
    p.add_argument("--groups", default=None, metavar="COLUMN",
                   help="document column of groups (speaker, corpus): no group is in both the "
                        "training and test documents of a fold (stratified group k-fold for "
                        "classes, group k-fold for scores)")
    p.add_argument("--split", default=None, metavar="COLUMN",
                   help="document column with values train/dev/test: fit on train, report dev "
                        "and test (the official-split protocol, no cross-validation)")
    p.add_argument("--subgroups", default=None, metavar="COLUMN",
                   help="document column: scores of every method within each of its values")
    add_encoder_options(p)
    add_model_options(p)
    add_cv_options(p)
    return p


def check_extras(args):
    """The extras a report run needs, checked before any work (text encoders: when resolved)."""
    require_optional(["matplotlib"], "report", "Drawing the report's figures")
    if args.scheduler:
        require_optional(["dask", "distributed"], "dask", DASK)


def cmd_cv(args):
    check_extras(args)
    labels = parse_labels(args.label, args.binarize)
    if args.split and args.repeats != 1:
        raise ValueError("--split fits once on the official training documents; --repeats "
                         "does not apply")
    return run_cv(args.manifest, labels, args)


def run_cv(manifest, labels, args, title=None, description=None):
    """Run ``hilbert cv`` on every encoder pair of ``--text-encoder``/``--audio-encoder``;
    with several pairs, also write and print the paper-style table (pair x configuration).

    ``labels``: a column name or a list of :class:`~sklearn_hilbert._cli.labels.Label`.
    Returns the summary rows (one label) or ``{label name: rows}``.
    """
    from ..experiments.grids import encoder_pairs, encoder_table

    if isinstance(labels, str):
        labels = [Label(labels)]
    pairs = encoder_pairs(args.text_encoder, args.audio_encoder)
    root = Path(args.output or Path("hilbert_reports") / default_folder(manifest, labels))
    if len(pairs) == 1:
        return _run_pair(manifest, labels, args, root, title, description)
    if len(labels) > 1 or getattr(args, "split", None):
        raise ValueError("several encoders at once compare them on one --label with "
                         "cross-validation; run one label at a time")
    results = []
    for text, audio in pairs:
        sub = argparse.Namespace(**{**vars(args), "text_encoder": text, "audio_encoder": audio})
        log(args, f"Encoder pair: text={text}, audio={audio}")
        rows = _run_pair(manifest, labels, sub, root / slug(f"{text}__{audio}"), title,
                         description)
        if rows and "auc_mean" not in rows[0]:
            raise ValueError("several encoders at once compare AUCs: the label must be a "
                             "classification (use --task classification or --binarize)")
        results.append(((text, audio), rows))
    table = encoder_table(results)
    root.mkdir(parents=True, exist_ok=True)
    (root / "encoders.md").write_text(f"# Macro one-vs-rest AUC, {args.folds}-fold CV\n\n"
                                      f"{table}\n", encoding="utf-8")
    print(table)
    return results


def default_folder(manifest, labels):
    """``hilbert_reports/<manifest>-<label>`` (several labels: joined with ``+``)."""
    return f"{Path(manifest).stem}-{'+'.join(label.folder for label in labels)}"


def _columns(labels, args):
    """Every manifest column the run reads (each checked constant within a document)."""
    columns = [label.column for label in labels]
    columns += [c for c in (getattr(args, "groups", None), getattr(args, "split", None),
                            getattr(args, "subgroups", None)) if c]
    return list(dict.fromkeys(columns))


def _methods(task, args, several):
    """The methods of one label's task, from ``--methods`` (names of the other task left
    out when the run holds labels of both kinds)."""
    from ..experiments.methods import make_methods, make_regressors, resolve_method_names

    names = resolve_method_names(args.methods, task, other_task_ok=several)
    if not names:
        raise ValueError(f"none of --methods {args.methods!r} is a {task} method "
                         "(see `hilbert methods`)")
    if task == "regression":
        return make_regressors(names, hilbert_params=hilbert_params(args),
                               random_state=args.random_state)
    methods = make_methods(names, hilbert_params=hilbert_params(args),
                           random_state=args.random_state)
    if args.grid:
        from ..experiments.grids import parse_grid, with_inner_search

        methods = with_inner_search(methods, parse_grid(args.grid),
                                    random_state=args.random_state)
    return methods


def _plan(manifest, labels, docs, args):
    """Each label's values, task and methods, checked before any encoding."""
    plan = []
    several = len(labels) > 1
    for label in labels:
        task = None if label.op is not None else getattr(args, "task", None)
        y, task = label_values(label, docs, task)
        if len(np.unique(y)) < 2:  # before encoding, and in the user's words
            what = "classes" if task == "classification" else "values"
            raise ValueError(f"label column {label.name!r} of {manifest} holds the single value "
                             f"{y.tolist()[0]!r} in all {len(docs)} documents; cross-validation "
                             f"needs at least 2 {what} (is it the right column?)")
        if task == "regression" and args.grid and not several:
            raise ValueError(f"--grid searches HilbertClassifier's loss weights; label "
                             f"{label.name!r} is a regression")
        plan.append((label, y, task, _methods(task, args, several)))
        log(args, f"Label {label.name!r}: {task}"
                  + (f", {len(np.unique(y))} classes" if task == "classification" else
                     f", scores from {y.min():g} to {y.max():g}"))
    return plan


def _run_pair(manifest, labels, args, output, title=None, description=None):
    """Load, check every label, encode once, run every label, write the reports."""
    from ..experiments.summary import write_summary

    t0 = time.perf_counter()
    docs, _ = load_documents(manifest, _columns(labels, args), args)
    groups = _document_column(docs, getattr(args, "groups", None))
    subgroups = _document_column(docs, getattr(args, "subgroups", None))
    parts = None
    if getattr(args, "split", None):
        from ..experiments.holdout import check_parts

        parts = check_parts(_document_column(docs, args.split), [d.doc_id for d in docs],
                            column=repr(args.split))
    plan = _plan(manifest, labels, docs, args)
    log(args, f"Encoding segments: text={args.text_encoder}, audio={args.audio_encoder}, "
              f"cache={cache_dir(args)}")
    start = time.perf_counter()
    X = transformer(args).fit_transform(docs)
    log(args, f"Encoded to segment tensors audio {X['audio'].shape}, text {X['text'].shape} "
              f"in {time.perf_counter() - start:.1f} s")
    n_seg = X["mask"].sum(axis=1)
    context = dict(docs=docs, X=X, groups=groups, subgroups=subgroups, parts=parts,
                   texts=[[seg.text for seg in d.segments][: int(k)]
                          for d, k in zip(docs, n_seg)], t0=t0)
    several = len(plan) > 1
    entries = []
    for label, y, task, methods in plan:
        out = output / label.folder if several else output
        rows = _run_label(manifest, label, y, task, methods, args, out, context, title,
                          description)
        entries.append({"label": label.name, "task": task, "rows": rows,
                        "protocol": "split" if parts is not None else "cv"})
    if not several:
        return entries[0]["rows"]
    summary = write_summary(entries, output)
    print(summary)
    log(args, f"Summary: {output / 'summary.md'} (total {time.perf_counter() - t0:.0f} s)")
    return {e["label"]: e["rows"] for e in entries}


def _document_column(docs, column):
    return None if not column else np.array([str(d.metadata[column]) for d in docs])


def _run_label(manifest, label, y, task, methods, args, output, context, title, description):
    from ..experiments.report import text_table, write_report

    docs, X, parts = context["docs"], context["X"], context["parts"]
    command = "hilbert " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    description = description or (
        f"Manifest `{manifest}`, label `{label.name}` ({task}); text encoder "
        f"`{args.text_encoder}`, audio encoder `{args.audio_encoder}`, max_segments "
        f"{args.max_segments}"
        + (f", segments of speaker `{args.keep_speaker}` only" if getattr(
            args, "keep_speaker", None) is not None else "") + ".")
    title = title or f"{Path(manifest).name}: {label.name}"
    doc_ids = [d.doc_id for d in docs]
    subgroup_column = getattr(args, "subgroups", None)
    if parts is not None:
        return _run_split(label, y, task, methods, args, output, context, title, description,
                          command)
    log(args, f"Cross-validating {len(methods)} method(s) x {args.folds} folds x "
              f"{args.repeats} repeat(s) for {label.name!r}"
              + ("; the networks of all folds train first, stacked"
                 if task == "classification" else ""))
    from ..experiments.runner import cross_validate_methods

    with cluster(args.scheduler) as n_jobs:
        results = cross_validate_methods(methods, X, y, n_splits=args.folds,
                                         n_repeats=args.repeats, random_state=args.random_state,
                                         groups=context["groups"], task=task,
                                         progress=not args.quiet, n_jobs=n_jobs)
    description += (f"\n\nCommand: `{command}`. Wall time "
                    f"{time.perf_counter() - context['t0']:.0f} s.")
    rows = write_report(results, output, doc_ids=doc_ids, texts=context["texts"], title=title,
                        description=description, n_attention_docs=args.attention_docs,
                        group_column=getattr(args, "groups", None) or "group",
                        subgroups=context["subgroups"],
                        subgroup_column=subgroup_column or "subgroup")
    print(text_table(rows, task))
    log(args, f"Report: {output / 'results.md'} (total "
              f"{time.perf_counter() - context['t0']:.0f} s)")
    return rows


def _run_split(label, y, task, methods, args, output, context, title, description, command):
    from ..experiments.holdout import evaluate_split, split_table, write_split_report

    parts, groups = context["parts"], context["groups"]
    note = ""
    if groups is not None:
        train = set(groups[parts == "train"].tolist())
        shared = sorted(train & set(groups[parts != "train"].tolist()))
        note = (f"Groups (`{args.groups}`): checked, no group is in both the training and the "
                "dev/test documents." if not shared else
                f"Warning: {len(shared)} group(s) of `{args.groups}` are in both the training "
                f"and the dev/test documents ({', '.join(shared[:10])}"
                f"{', ...' if len(shared) > 10 else ''}).")
    log(args, f"Official split ({args.split!r}): fitting {len(methods)} method(s) on "
              f"{int(np.sum(parts == 'train'))} training documents for {label.name!r}")
    results = evaluate_split(methods, context["X"], y, parts, task=task,
                             progress=not args.quiet)
    description += (f"\n\nCommand: `{command}`. Wall time "
                    f"{time.perf_counter() - context['t0']:.0f} s.")
    rows = write_split_report(results, output, doc_ids=[d.doc_id for d in context["docs"]],
                              title=title, description=description, split_column=args.split,
                              subgroups=context["subgroups"],
                              subgroup_column=getattr(args, "subgroups", None) or "subgroup",
                              group_note=note)
    for part in ("dev", "test"):
        if (parts == part).any():
            print(f"{part}:\n{split_table(results, part)}")
    log(args, f"Report: {output / 'results.md'}")
    return rows


def cmd_methods(args):
    from ..experiments.methods import (DESCRIPTIONS, METHOD_NAMES, REGRESSION_BASELINES,
                                       REGRESSION_DESCRIPTIONS)

    for name in METHOD_NAMES:
        print(f"{name:20s} {DESCRIPTIONS[name]}")
    print("\nFor a score (regression): the same networks as HilbertRegressor (the paper's "
          "rows, DualC only, HILBERT extended), and")
    for name in (*REGRESSION_BASELINES, "HILBERT stack"):
        print(f"{name:20s} {REGRESSION_DESCRIPTIONS[name]}")
