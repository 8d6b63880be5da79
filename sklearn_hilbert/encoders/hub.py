"""Turning a model name into a local directory, without ever hanging on the network.

A local directory is used as is.  A Hugging Face hub id is looked up in the
local Hugging Face cache first; only when it is not there, the hub is reachable
and ``HF_HUB_OFFLINE`` is not set is it downloaded.  Otherwise
:class:`ModelNotAvailableError` says how to pass a local directory instead.
"""

import hashlib
import os
import re
import socket
from urllib.parse import urlparse

from .._optional import import_optional

__all__ = ["ModelNotAvailableError", "HUB_ID", "looks_like_path", "model_directory",
           "directory_fingerprint", "packaged_installed", "packaged_model_path"]

HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")
_IGNORE = ["*.h5", "*.msgpack", "*.ot", "*.onnx", "onnx/*", "openvino/*", "*.tflite",
           "flax_model*", "tf_model*", "rust_model*", "coreml/*"]


class ModelNotAvailableError(OSError):
    """A model that is neither a local directory nor reachable on the Hugging Face hub."""


def packaged_installed(module):
    """Whether the model package ``module`` is installed (checked without importing it)."""
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except ValueError:  # imported already
        return True


def packaged_model_path(module, extra, what):
    """Model directory of the model package imported as ``module``, part of the extra ``extra``.

    Raises :class:`~sklearn_hilbert._optional.MissingExtraError` naming
    ``what`` and ``pip install "sklearn-hilbert[extra]"`` when it is missing.
    """
    return str(import_optional(module, extra, what).get_model_path())


def looks_like_path(spec):
    """Whether a string is meant as a file-system path rather than a hub id."""
    return (spec.startswith(("/", "./", "../", "~", ".\\")) or os.sep in spec.replace("/", "")
            or (os.altsep is not None and os.altsep in spec.replace("/", ""))
            or spec.count("/") > 1)


def _hub_offline():
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        return True
    try:
        from huggingface_hub import constants
    except ImportError:  # pragma: no cover - a dependency of transformers
        return True
    return bool(constants.HF_HUB_OFFLINE)


def _hub_reachable(timeout=3.0):
    from huggingface_hub import constants

    url = urlparse(constants.ENDPOINT)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname, port), timeout=timeout):
            return True
    except OSError:
        return False


def _how_to_use_a_local_copy(model_id, what):
    return (f"On a machine with internet, download it with\n"
            f"    huggingface-cli download {model_id} --local-dir ./{model_id.split('/')[-1]}\n"
            f"(or `SentenceTransformer({model_id!r}).save(DIR)` / "
            f"`AutoModel.from_pretrained({model_id!r}).save_pretrained(DIR)`), copy the directory "
            f"here and pass its path, e.g. {what}='./{model_id.split('/')[-1]}'.")


def model_directory(spec, what="audio_encoder", extra="hf"):
    """Return a local directory holding the model ``spec`` (a directory or hub id).

    Parameters
    ----------
    spec : str or path-like
        A local directory, or a Hugging Face hub id such as
        ``"facebook/wav2vec2-base"``.
    what : str
        The parameter name, for messages.
    extra : str, default="hf"
        The extra that installs ``huggingface_hub`` for this use, named when
        it is missing and ``spec`` is a hub id.

    Raises
    ------
    ModelNotAvailableError
        If ``spec`` is a hub id that is not cached locally and cannot be
        downloaded (no network, ``HF_HUB_OFFLINE`` set, or no such model).
    MissingExtraError
        If ``spec`` is a hub id and ``huggingface_hub`` is not installed.
    ValueError
        If ``spec`` is a path that does not exist or is not a valid name.
    """
    spec = os.fspath(spec)
    path = os.path.expanduser(spec)
    if os.path.isdir(path):
        return os.path.abspath(path)
    if looks_like_path(spec) or os.path.exists(path):
        raise ValueError(f"{what}={spec!r}: there is no model directory at "
                         f"{os.path.abspath(path)!r}.")
    if not HUB_ID.match(spec):
        raise ValueError(f"{what}={spec!r} is neither a local directory nor a valid "
                         "Hugging Face hub id ('organisation/model').")
    snapshot_download = import_optional(
        "huggingface_hub", extra, f"{what}={spec!r} (a Hugging Face hub id)").snapshot_download
    try:
        return snapshot_download(spec, local_files_only=True)
    except Exception:  # not in the local cache (huggingface_hub raises several types)
        pass
    if _hub_offline() or not _hub_reachable():
        why = ("HF_HUB_OFFLINE is set" if _hub_offline()
               else "the Hugging Face hub cannot be reached (no network)")
        raise ModelNotAvailableError(
            f"{what}={spec!r} is not a local directory and not in the local Hugging Face "
            f"cache, and {why}, so it cannot be downloaded. "
            + _how_to_use_a_local_copy(spec, what))
    try:
        return snapshot_download(spec, ignore_patterns=_IGNORE)
    except Exception as exc:
        raise ModelNotAvailableError(
            f"{what}={spec!r} could not be downloaded from the Hugging Face hub "
            f"({type(exc).__name__}: {exc}). Check the id. "
            + _how_to_use_a_local_copy(spec, what)) from None


def directory_fingerprint(directory):
    """Digest of a model directory: its small config files' content, every file's size and mtime.

    Changes whenever the model is replaced (for instance fine-tuned and saved
    again), so cached embeddings of the old weights are not reused.
    """
    h = hashlib.sha256()
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            full = os.path.join(root, name)
            st = os.stat(full)
            rel = os.path.relpath(full, directory)
            h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
            if name.endswith((".json", ".txt")) and st.st_size < 1 << 16:  # configs
                with open(full, "rb") as fh:
                    h.update(fh.read())
    return h.hexdigest()[:20]
