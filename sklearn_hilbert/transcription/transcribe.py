"""One recording -> its words with timestamps: Silero VAD, then faster-whisper on the speech.

:func:`transcribe_file` finds the speech with :func:`~.vad.speech_regions`,
reads only the speech regions, a bounded stretch at a time, and transcribes
them with faster-whisper (word timestamps from the model's alignment heads);
times are mapped back to the file.  The words are cached under the digest of
the file's bytes and the settings that change them, so a second run on the
same audio costs one read of the file.
"""

import hashlib
import os
import warnings
from dataclasses import dataclass, field

import numpy as np

from .._optional import import_optional, require_optional
from ..audio_io import AudioError, read_audio, resample
from ..encoders.cache import content_key
from ..encoders.hub import directory_fingerprint
from ..encoders.whisper_ct2 import load_ctranslate2, whisper_directory
from .resegment import Word
from .vad import VAD_RATE, load_vad, speech_regions

__all__ = ["NoSpeechError", "Transcript", "WhisperRunner", "file_digest"]

_PURPOSE = "Transcription (faster-whisper and Silero VAD)"
#: What a run imports (checked before any work): the ``[transcribe]`` extra.
_NEEDS = ("faster_whisper", "ctranslate2", "silero_vad", "onnxruntime")


class NoSpeechError(AudioError):
    """A recording in which voice activity detection finds no speech, or ASR no word."""


@dataclass
class Transcript:
    """What a recording says: its words, speech regions and duration (seconds)."""

    words: list
    duration: float
    regions: list = field(default_factory=list)
    language: str = "en"

    @property
    def confidence(self):
        """Mean word probability (``nan`` without words)."""
        return float(np.mean([w.probability for w in self.words])) if self.words else float("nan")

    def to_record(self):
        return {"words": [[w.start, w.end, w.text, w.probability] for w in self.words],
                "duration": self.duration, "regions": [list(r) for r in self.regions],
                "language": self.language}

    @classmethod
    def from_record(cls, rec):
        return cls([Word(*w) for w in rec["words"]], rec["duration"],
                   [tuple(r) for r in rec["regions"]], rec["language"])


def file_digest(path, block=1 << 20):
    """SHA-256 of a file's bytes, read in blocks."""
    if not os.path.isfile(path):
        raise AudioError(f"audio file {os.fspath(path)!r} does not exist")
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(block), b""):
                h.update(chunk)
    except OSError as exc:
        raise AudioError(f"audio file {os.fspath(path)!r} cannot be read: "
                         f"{exc.strerror or exc}") from None
    return h.hexdigest()


class WhisperRunner:
    """A faster-whisper model and the Silero VAD, loaded once, with the settings of a run.

    Parameters are those of :class:`~sklearn_hilbert.transcription.WhisperTranscriber`.
    """

    def __init__(self, model="tiny.en", language="en", device="cpu", compute_type="int8",
                 cpu_threads=0, beam_size=5, vad_threshold=0.5, chunk_seconds=120.0):
        require_optional(_NEEDS, "transcribe", _PURPOSE)
        self.directory = whisper_directory(model, what="model")
        self.model_name = model
        self.language = language
        self.device, self.compute_type = device, compute_type
        self.cpu_threads = int(cpu_threads) or min(4, os.cpu_count() or 1)
        self.beam_size = int(beam_size)
        self.vad_threshold, self.chunk_seconds = float(vad_threshold), float(chunk_seconds)
        self._model = self._vad = None
        self.key = (f"transcript-v1:{directory_fingerprint(self.directory)}:{language}:"
                    f"{compute_type}:beam={beam_size}:vad={vad_threshold}:"
                    f"chunk={chunk_seconds}:seed0")

    def load(self):
        if self._model is None:
            WhisperModel = import_optional("faster_whisper", "transcribe",
                                           _PURPOSE).WhisperModel
            self._model = load_ctranslate2(WhisperModel, self.directory, self.device,
                                           self.compute_type, library="faster-whisper",
                                           model=repr(self.model_name),
                                           cpu_threads=self.cpu_threads)
            multilingual = self._model.model.is_multilingual
            if not multilingual and self.language not in (None, "en"):
                raise ValueError(
                    f"model={self.model_name!r} is English-only, so it cannot transcribe "
                    f"language={self.language!r}; pass a multilingual faster-whisper model "
                    "(e.g. model='small' or a local CTranslate2 directory).")
            self._vad = load_vad()
        return self._model

    def transcribe(self, path, cache=None):
        """The :class:`Transcript` of one file; cached in ``cache`` (an EmbeddingCache)."""
        key = content_key(self.key, "transcript", file_digest(path))
        rec = None if cache is None else cache.get_record(key)
        if rec is not None:
            return Transcript.from_record(rec)
        model = self.load()
        regions, duration = speech_regions(path, self._vad, threshold=self.vad_threshold)
        if not regions:
            raise NoSpeechError(f"audio file {os.fspath(path)!r} ({duration:.1f} s) holds no "
                                "speech: voice activity detection found none")
        words, language = [], self.language
        # faster-whisper falls back to sampling when greedy/beam decoding loops; a fixed seed
        # makes that reproducible, so the same audio gives the same words (as the cache assumes)
        import_optional("ctranslate2", "transcribe", _PURPOSE).set_random_seed(0)
        for chunk in _chunks(regions, self.chunk_seconds):
            pieces, offsets, pos = [], [], 0
            for a, b in chunk:
                samples, rate = read_audio(path, a, b)
                wave = resample(samples, rate, VAD_RATE)
                pieces.append(np.nan_to_num(wave, nan=0.0, posinf=0.0, neginf=0.0))
                offsets.append((pos / VAD_RATE, a, b))
                pos += len(wave)
            audio = np.concatenate(pieces)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # faster-whisper's notes on short/empty audio
                segments, info = model.transcribe(
                    audio, language=self.language, beam_size=self.beam_size,
                    word_timestamps=True, vad_filter=False, condition_on_previous_text=False)
                segments = list(segments)
            language = info.language
            for seg in segments:
                for w in seg.words or []:
                    start, end = _to_file_time(w.start, offsets), _to_file_time(w.end, offsets)
                    words.append(Word(start, max(end, start), w.word.strip(),
                                      float(w.probability)))
        if not words:
            raise NoSpeechError(f"audio file {os.fspath(path)!r} ({duration:.1f} s): the speech "
                                f"recogniser found no word in its {len(regions)} speech "
                                "region(s) (noise, music or another language?)")
        transcript = Transcript(words, duration, regions, language)
        if cache is not None:
            cache.put_record(key, transcript.to_record())
        return transcript


def _chunks(regions, max_seconds):
    """Consecutive speech regions grouped into stretches of at most ``max_seconds`` of speech."""
    out, current, total = [], [], 0.0
    for a, b in regions:
        # a region longer than the bound is split (at a point the VAD found no pause in)
        while b - a > max_seconds:
            if current:
                out.append(current)
                current, total = [], 0.0
            out.append([(a, a + max_seconds)])
            a += max_seconds
        if current and total + (b - a) > max_seconds:
            out.append(current)
            current, total = [], 0.0
        current.append((a, b))
        total += b - a
    return out + ([current] if current else [])


def _to_file_time(t, offsets):
    """Map a time in the concatenated speech back to the file."""
    for k, (pos, a, b) in enumerate(offsets):
        nxt = offsets[k + 1][0] if k + 1 < len(offsets) else np.inf
        if t < nxt or k + 1 == len(offsets):
            return float(min(a + max(t - pos, 0.0), b))
    return float(offsets[-1][2])  # pragma: no cover
