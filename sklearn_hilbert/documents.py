"""Documents and segments: the raw ``X`` of a HILBERT pipeline.

A :class:`Document` is one long recording with its transcript, cut into an
ordered list of :class:`Segment`.  Each segment has text and audio; the audio
is either an array with its sample rate or a slice ``start``..``end`` seconds
of an audio file, read only when the segment is encoded.

Documents come from Python objects, from a manifest
(:func:`~sklearn_hilbert.manifest.load_manifest`) or from one audio file plus a
timestamped transcript (:meth:`Document.from_audio_file`).
"""

import os
from pathlib import Path

import numpy as np

from .audio_io import AudioError, read_audio, to_mono

__all__ = ["Document", "DocumentError", "Segment", "select_speaker"]


class DocumentError(ValueError):
    """A document or segment that cannot be encoded.

    The message names the document (its ``doc_id`` and, inside a call, its
    position in ``X``) and the segment.

    Attributes
    ----------
    reason : str
        The message without the document and segment.
    doc_id : str or None
    doc_index : int or None
    segment_index : int or None
    """

    def __init__(self, message, *, doc_id=None, doc_index=None, segment_index=None):
        where = describe(doc_id, doc_index, segment_index)
        super().__init__(f"{where}: {message}" if where else message)
        self.doc_id, self.doc_index, self.segment_index = doc_id, doc_index, segment_index
        self.reason = message


def describe(doc_id=None, doc_index=None, segment_index=None):
    """'Document 'a' (index 3 of X), segment 5' with the parts that are known."""
    parts = []
    if doc_id is not None or doc_index is not None:
        name = "Document" if doc_id is None else f"Document {doc_id!r}"
        if doc_index is not None:
            name += f" (index {doc_index} of X)" if doc_id is not None else f" {doc_index} of X"
        parts.append(name)
    if segment_index is not None:
        parts.append(f"segment {segment_index}")
    return ", ".join(parts)


class Segment:
    """One segment of a document: its text and its audio.

    Give the audio either as an array with its sample rate, or as a file path
    with ``start`` and ``end`` seconds (read lazily, when encoded).

    Parameters
    ----------
    text : str
        What is said in the segment; must not be empty.
    audio : array-like of shape (n_samples,) or (n_samples, n_channels), default=None
        The waveform (mixed to mono when encoded).
    sample_rate : int, default=None
        Sample rate of ``audio`` in Hz; required with ``audio``.
    path : str or path-like, default=None
        Audio file holding the segment, instead of ``audio``.
    start, end : float, default=None
        Bounds of the segment in ``path``, in seconds (``None``: start or end
        of the file).
    speaker : str, default=None
        Who speaks in the segment (a manifest's ``speaker`` column), e.g. to
        keep only the participant's segments with :func:`select_speaker`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert.documents import Segment
    >>> tone = np.sin(2 * np.pi * 220 * np.arange(16000) / 16000)
    >>> Segment("a quiet tone", audio=tone, sample_rate=16000)
    Segment('a quiet tone', audio=16000 samples at 16000 Hz)
    >>> Segment("the file's second second", path="talk.wav", start=1.0, end=2.0)
    Segment("the file's second second", path='talk.wav', start=1.0, end=2.0)
    """

    __slots__ = ("text", "audio", "sample_rate", "path", "start", "end", "speaker")

    def __init__(self, text, audio=None, sample_rate=None, *, path=None, start=None, end=None,
                 speaker=None):
        self.text = text
        self.audio = audio
        self.sample_rate = sample_rate
        self.path = None if path is None else os.fspath(path)
        self.start = start
        self.end = end
        self.speaker = speaker

    def __repr__(self):
        if self.audio is not None:
            n = len(self.audio) if hasattr(self.audio, "__len__") else "?"
            audio = f"audio={n} samples at {self.sample_rate} Hz"
        else:
            audio = f"path={self.path!r}, start={self.start!r}, end={self.end!r}"
        speaker = "" if self.speaker is None else f", speaker={self.speaker!r}"
        return f"Segment({self.text!r}, {audio}{speaker})"

    def __eq__(self, other):
        if not isinstance(other, Segment):
            return NotImplemented
        same_audio = (self.audio is None) == (other.audio is None) and (
            self.audio is None or np.array_equal(np.asarray(self.audio), np.asarray(other.audio))
        )
        return same_audio and all(
            getattr(self, k) == getattr(other, k)
            for k in ("text", "sample_rate", "path", "start", "end", "speaker")
        )

    __hash__ = None

    def __getstate__(self):
        return {k: getattr(self, k) for k in self.__slots__}

    def __setstate__(self, state):
        self.speaker = None  # segments pickled before the speaker field
        for k, v in state.items():
            setattr(self, k, v)

    def load_audio(self, check=True):
        """Return the segment's waveform as ``(mono float32 samples, sample_rate)``.

        Parameters
        ----------
        check : bool, default=True
            Check that every sample is finite.

        Raises
        ------
        AudioError
            If the file is missing or unreadable, the slice is invalid, or the
            samples are not finite.
        """
        if self.audio is not None:
            samples, sr = to_mono(self.audio), int(self.sample_rate)
        else:
            samples, sr = read_audio(self.path, self.start, self.end)
        if check:
            bad = _count_non_finite(samples)
            if bad:
                raise AudioError(f"the audio holds {bad} NaN or infinite sample(s)")
        return samples, sr

    def check(self, samples=True):
        """Check what can be checked without reading a file; raise ``ValueError`` if bad.

        Parameters
        ----------
        samples : bool, default=True
            Also scan an in-memory waveform for NaN and infinite values.
        """
        if not isinstance(self.text, str):
            raise ValueError(f"text must be a string, got {type(self.text).__name__} "
                             f"({self.text!r})")
        if not self.text.strip():
            raise ValueError("text is empty; every segment needs the words said in it")
        if (self.audio is None) == (self.path is None):
            raise ValueError("give exactly one of `audio` (an array) and `path` (a file)")
        if self.audio is not None:
            if self.sample_rate is None or not float(self.sample_rate).is_integer() \
                    or self.sample_rate <= 0:
                raise ValueError(f"sample_rate must be a positive integer with `audio`, "
                                 f"got {self.sample_rate!r}")
            if np.ndim(self.audio) == 0 or np.size(self.audio) == 0:
                raise ValueError("the audio array is empty")
            if samples:
                bad = _count_non_finite(to_mono(self.audio))
                if bad:
                    raise ValueError(f"the audio holds {bad} NaN or infinite sample(s)")
        else:
            start = 0.0 if self.start is None else self.start
            if self.end is not None and not float(self.end) > float(start):
                raise ValueError(f"end={self.end!r} s is not after start={start!r} s")
            if float(start) < 0:
                raise ValueError(f"start={start!r} s is negative")


class Document:
    """One long recording with its transcript, cut into ordered segments.

    Parameters
    ----------
    segments : sequence of Segment
        The segments, in the order they occur.
    doc_id : str, default=None
        A name used in error messages and manifests.
    metadata : dict, default=None
        Anything else about the document (labels, speaker...), kept as is.

    Raises
    ------
    DocumentError
        If there is no segment or a segment is malformed (empty text, no audio,
        NaN samples...); the message names the document and segment.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert.documents import Document, Segment
    >>> sr = 16000
    >>> t = np.arange(sr) / sr
    >>> doc = Document([Segment("low", np.sin(2 * np.pi * 200 * t), sr),
    ...                 Segment("high", np.sin(2 * np.pi * 800 * t), sr)], doc_id="tones")
    >>> doc
    Document('tones', 2 segments)
    >>> [s.text for s in doc]
    ['low', 'high']
    """

    def __init__(self, segments, doc_id=None, metadata=None):
        self.segments = list(segments)
        self.doc_id = None if doc_id is None else str(doc_id)
        self.metadata = dict(metadata or {})
        self.check()

    @classmethod
    def from_audio_file(cls, path, segments, doc_id=None, metadata=None):
        """Build a document from one audio file and a timestamped transcript.

        Parameters
        ----------
        path : str or path-like
            The recording.
        segments : sequence of (start, end, text) or of dicts with those keys
            The transcript, one entry per segment, times in seconds.
        doc_id : str, default=None
            Defaults to the file name without its extension.
        metadata : dict, default=None

        Returns
        -------
        document : Document

        Examples
        --------
        >>> import os, tempfile
        >>> import numpy as np, soundfile as sf
        >>> from sklearn_hilbert.documents import Document
        >>> path = os.path.join(tempfile.mkdtemp(), "interview.wav")
        >>> sf.write(path, np.zeros(3 * 16000), 16000)
        >>> doc = Document.from_audio_file(path, [(0.0, 1.4, "hello there"),
        ...                                       (1.4, 3.0, "how are you")])
        >>> doc.doc_id, len(doc), doc[1].start
        ('interview', 2, 1.4)
        """
        path = os.fspath(path)
        if doc_id is None:
            doc_id = Path(path).stem
        built = []
        for j, entry in enumerate(segments):
            if isinstance(entry, dict):
                entry = (entry.get("start"), entry.get("end"), entry.get("text"))
            try:
                start, end, text = entry
            except (TypeError, ValueError):
                raise DocumentError(f"expected (start, end, text), got {entry!r}",
                                    doc_id=doc_id, segment_index=j) from None
            built.append(Segment(text, path=path, start=as_seconds(start), end=as_seconds(end)))
        return cls(built, doc_id=doc_id, metadata=metadata)

    def check(self, doc_index=None, samples=True):
        """Raise :class:`DocumentError` for what can be seen without reading files.

        Parameters
        ----------
        doc_index : int, default=None
            Position of the document in ``X``, for messages.
        samples : bool, default=True
            Also scan in-memory waveforms for NaN and infinite values.
        """
        if len(self.segments) == 0:
            raise DocumentError("the document has no segment; every document needs at least one",
                                doc_id=self.doc_id, doc_index=doc_index)
        for j, seg in enumerate(self.segments):
            if not isinstance(seg, Segment):
                raise DocumentError(f"expected a Segment, got {type(seg).__name__}",
                                    doc_id=self.doc_id, doc_index=doc_index, segment_index=j)
            try:
                seg.check(samples=samples)
            except (ValueError, TypeError, AudioError) as exc:
                raise DocumentError(str(exc), doc_id=self.doc_id, doc_index=doc_index,
                                    segment_index=j) from None

    def __len__(self):
        return len(self.segments)

    def __iter__(self):
        return iter(self.segments)

    def __getitem__(self, index):
        return self.segments[index]

    def __eq__(self, other):
        if not isinstance(other, Document):
            return NotImplemented
        return (self.doc_id, self.metadata, self.segments) == (
            other.doc_id, other.metadata, other.segments)

    __hash__ = None

    def __repr__(self):
        name = "" if self.doc_id is None else f"{self.doc_id!r}, "
        return f"Document({name}{len(self.segments)} segments)"


def select_speaker(documents, speaker):
    """Keep only the segments of one speaker in every document.

    Interviews often hold the interviewer's turns beside the participant's;
    a manifest's ``speaker`` column (:attr:`Segment.speaker`) says who speaks
    in each segment.  Documents keep their id, metadata and segment order.

    Parameters
    ----------
    documents : sequence of Document
    speaker : str
        The speaker to keep (compared as a string); other speakers' segments
        and segments without a speaker are dropped.

    Returns
    -------
    kept : list of Document
        New documents holding only ``speaker``'s segments.
    n_dropped : int
        Segments dropped over all documents.

    Raises
    ------
    DocumentError
        Naming the first document left with no segment of ``speaker``.

    Examples
    --------
    >>> from sklearn_hilbert.documents import Document, Segment, select_speaker
    >>> doc = Document([Segment("how are you?", path="p1.wav", end=2.0, speaker="interviewer"),
    ...                 Segment("fine, thanks", path="p1.wav", start=2.0, end=4.0,
    ...                         speaker="participant")], doc_id="p1")
    >>> kept, n_dropped = select_speaker([doc], "participant")
    >>> [s.text for s in kept[0]], n_dropped
    (['fine, thanks'], 1)
    """
    speaker = str(speaker)
    kept, n_dropped = [], 0
    for i, doc in enumerate(documents):
        segments = [s for s in doc.segments
                    if s.speaker is not None and str(s.speaker) == speaker]
        if not segments:
            found = sorted({str(s.speaker) for s in doc.segments if s.speaker is not None})
            raise DocumentError(
                f"no segment of speaker {speaker!r} (its speakers: "
                f"{', '.join(map(repr, found)) or 'none given'}); drop the document or check "
                "the speaker column", doc_id=doc.doc_id, doc_index=i)
        n_dropped += len(doc.segments) - len(segments)
        kept.append(Document(segments, doc_id=doc.doc_id, metadata=doc.metadata))
    return kept, n_dropped


def _count_non_finite(samples):
    """Number of NaN or infinite samples (a float32 sum first: one fast pass when all is well)."""
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(samples.sum()):
            return 0
    return int(np.count_nonzero(~np.isfinite(samples)))


def as_seconds(value):
    """A time in seconds as a float; ``None`` or an empty string means 'not given' (None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return float(value)
