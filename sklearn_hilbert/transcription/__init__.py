"""From raw recordings to segmented, transcribed documents.

- :class:`WhisperTranscriber`: a scikit-learn transformer, audio paths ->
  :class:`~sklearn_hilbert.Document` (Silero VAD, faster-whisper, re-segmentation);
- :func:`resegment`: words with timestamps -> segments of about 6.5 s;
- :func:`speech_regions`: where a file holds speech;
- :func:`word_error_rate`: a transcript against the known text.
"""

from .resegment import Word, resegment
from .transcribe import NoSpeechError, Transcript
from .transformer import WhisperTranscriber
from .vad import speech_regions
from .wer import normalize_text, word_error_rate

__all__ = ["NoSpeechError", "Transcript", "WhisperTranscriber", "Word", "normalize_text",
           "resegment", "speech_regions", "word_error_rate"]
