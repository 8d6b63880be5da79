"""The ``hilbert`` command: cross-validate HILBERT and baselines, fit, predict, demo, transcribe.

::

    hilbert cv MANIFEST --label COL[,COL...] [options]  # table + report folder(s)
    hilbert demo [--task sentiment|voice|joint]         # the same on the spoken reviews
    hilbert fit MANIFEST --label COL -o model.joblib
    hilbert predict model.joblib MANIFEST [-o probs.csv]
    hilbert transcribe AUDIO... -o manifest.csv          # recordings -> manifest (Whisper + VAD)

Run ``hilbert COMMAND --help`` for the options; ``docs/cli.md`` explains the report.  The
command layer sits on top of the harness (``experiments``) and the library; nothing
below imports it.  One module per sub-command (``cv``, ``demo``, ``fit``,
``transcribe``), what they share in ``_common``, the label options in ``labels``.
"""

import argparse
import sys

from .._optional import MissingExtraError
from ._common import thread_limits
from .cv import add_cv_parser, cmd_cv, cmd_methods
from .demo import add_demo_parser, cmd_demo
from .fit import add_fit_parsers, cmd_fit, cmd_predict
from .transcribe import add_transcribe_parser, cmd_transcribe

__all__ = ["build_parser", "main"]

COMMANDS = {"cv": cmd_cv, "demo": cmd_demo, "transcribe": cmd_transcribe, "fit": cmd_fit,
            "predict": cmd_predict, "methods": cmd_methods}


def build_parser():
    """The argument parser of the ``hilbert`` command."""
    parser = argparse.ArgumentParser(
        prog="hilbert",
        description="HILBERT (frozen speech+text encoders, attention over segments) against "
                    "logistic baselines, on long spoken documents.")
    sub = parser.add_subparsers(dest="command", required=True)
    add_cv_parser(sub)
    add_demo_parser(sub)
    add_fit_parsers(sub)
    sub.add_parser("methods", help="list the methods compared by `hilbert cv`")
    add_transcribe_parser(sub)
    return parser


def main(argv=None):
    """Entry point of the ``hilbert`` console script; returns the exit status.

    Errors a user can cause (a bad manifest, option or file) print one line,
    ``hilbert COMMAND: error: ...``, and return 1.

    Examples
    --------
    >>> from sklearn_hilbert._cli import main
    >>> main(["cv", "missing.csv", "--label", "y", "--cache", "none", "-q"])  # stderr: the error
    1
    """
    args = build_parser().parse_args(argv)
    try:
        with thread_limits(getattr(args, "threads", None)):
            COMMANDS[args.command](args)
    except (OSError, ValueError, RuntimeError, MissingExtraError) as exc:
        print(f"hilbert {args.command}: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
