"""Frozen encoders that turn segment texts and waveforms into vectors, and their cache.

- :mod:`~sklearn_hilbert.encoders.base`: the :class:`Encoder` interface (``encode``,
  ``cache_key``, ``sample_rate``, ``min_samples``) and shared helpers;
- :mod:`~sklearn_hilbert.encoders.text`: sentence-transformers models;
- :mod:`~sklearn_hilbert.encoders.audio`: log-mel statistics, Hugging Face speech models;
- :mod:`~sklearn_hilbert.encoders.custom`: adapters for users' own encoder objects;
- :mod:`~sklearn_hilbert.encoders.registry`: names and paths to encoder objects;
- :mod:`~sklearn_hilbert.encoders.hub`: local directories and the Hugging Face hub;
- :mod:`~sklearn_hilbert.encoders.cache`: the content-addressed embedding cache;
- :mod:`~sklearn_hilbert.encoders.segments`: documents' segments read, hashed, batched
  and encoded through the cache.
"""

from .audio import HFSpeechEncoder, LogMelEncoder
from .base import Encoder
from .cache import EmbeddingCache
from .custom import CustomAudioEncoder, CustomTextEncoder
from .hub import ModelNotAvailableError
from .registry import resolve_audio_encoder, resolve_text_encoder
from .text import SentenceTransformerEncoder

__all__ = [
    "CustomAudioEncoder",
    "CustomTextEncoder",
    "EmbeddingCache",
    "Encoder",
    "HFSpeechEncoder",
    "LogMelEncoder",
    "ModelNotAvailableError",
    "SentenceTransformerEncoder",
    "resolve_audio_encoder",
    "resolve_text_encoder",
]
