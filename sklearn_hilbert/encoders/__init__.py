"""Frozen encoders that turn segment texts and waveforms into vectors, and their cache.

- :mod:`~sklearn_hilbert.encoders.text`: sentence-transformers models, custom objects;
- :mod:`~sklearn_hilbert.encoders.audio`: log-mel statistics, Hugging Face speech models,
  custom objects;
- :mod:`~sklearn_hilbert.encoders.registry`: names and paths to encoder objects;
- :mod:`~sklearn_hilbert.encoders.hub`: local directories and the Hugging Face hub;
- :mod:`~sklearn_hilbert.encoders.cache`: the content-addressed embedding cache.
"""

from .audio import CustomAudioEncoder, HFSpeechEncoder, LogMelEncoder
from .cache import EmbeddingCache
from .hub import ModelNotAvailableError
from .registry import resolve_audio_encoder, resolve_text_encoder
from .text import CustomTextEncoder, SentenceTransformerEncoder

__all__ = [
    "CustomAudioEncoder",
    "CustomTextEncoder",
    "EmbeddingCache",
    "HFSpeechEncoder",
    "LogMelEncoder",
    "ModelNotAvailableError",
    "SentenceTransformerEncoder",
    "resolve_audio_encoder",
    "resolve_text_encoder",
]
