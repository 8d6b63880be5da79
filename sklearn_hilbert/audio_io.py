"""Reading and resampling audio.

Audio files are decoded with :mod:`soundfile` (WAV, FLAC, OGG, MP3 and what
else libsndfile reads), mixed to mono and resampled with
:func:`torchaudio.functional.resample`.  Only the requested slice of a file is
read, so long recordings never sit in memory whole.

Every function raises :class:`AudioError` with a message that names the file;
:class:`~sklearn_hilbert.FrozenEncoderTransformer` adds the document and
segment.
"""

import os

import numpy as np
import soundfile as sf
import torch
import torchaudio.functional as AF

__all__ = ["AudioError", "audio_info", "read_audio", "to_mono", "resample"]


class AudioError(ValueError):
    """An audio file or waveform that cannot be used (missing, unreadable, bad slice)."""


def audio_info(path):
    """Return ``(n_frames, sample_rate)`` of an audio file without decoding it.

    Parameters
    ----------
    path : str or path-like
        The audio file.

    Returns
    -------
    n_frames : int
        Number of samples per channel.
    sample_rate : int
        The file's sample rate in Hz.

    Raises
    ------
    AudioError
        If the file does not exist or libsndfile cannot read it.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise AudioError(f"audio file {path!r} does not exist")
    try:
        info = sf.info(path)
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        raise AudioError(f"audio file {path!r} cannot be read by soundfile: {exc}") from None
    return int(info.frames), int(info.samplerate)


def channels_first(shape):
    """Whether a 2-D waveform of this shape is ``(n_channels, n_samples)``.

    The one rule for the channel layout: the first axis holds channels when it
    is at most 8 long and shorter than the second; otherwise the waveform is
    ``(n_samples, n_channels)``, as soundfile returns it.

    Examples
    --------
    >>> from sklearn_hilbert.audio_io import channels_first
    >>> channels_first((2, 16000)), channels_first((16000, 2))
    (True, False)
    """
    return len(shape) == 2 and shape[0] <= 8 and shape[1] > shape[0]


def n_samples_of(shape):
    """Samples per channel of a waveform of this shape (1-D, or 2-D in either layout)."""
    return shape[1] if channels_first(shape) else shape[0]


def to_mono(samples):
    """Mix a waveform to mono float32.

    Parameters
    ----------
    samples : array-like
        ``(n_samples,)``, ``(n_samples, n_channels)`` as soundfile returns it,
        or ``(n_channels, n_samples)`` with at most 8 channels.

    Returns
    -------
    mono : ndarray of shape (n_samples,), dtype float32
    """
    samples = np.asarray(samples)
    if samples.ndim == 2:
        samples = samples.mean(axis=0 if channels_first(samples.shape) else 1)
    elif samples.ndim != 1:
        raise AudioError(f"a waveform must be 1-D or 2-D, got shape {samples.shape}")
    if not np.issubdtype(samples.dtype, np.number) or np.iscomplexobj(samples):
        raise AudioError(f"a waveform must hold real numbers, got dtype {samples.dtype}")
    return np.ascontiguousarray(samples, dtype=np.float32)


def read_audio(path, start=None, end=None):
    """Read the slice ``start``..``end`` (seconds) of an audio file as mono float32.

    Parameters
    ----------
    path : str or path-like
        The audio file.
    start, end : float or None
        Slice bounds in seconds; ``None`` means the file's start or end.

    Returns
    -------
    samples : ndarray of shape (n_samples,), dtype float32
    sample_rate : int

    Raises
    ------
    AudioError
        If the file is missing or unreadable, or the slice is empty, reversed or
        reaches past the end of the file.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np, soundfile as sf
    >>> from sklearn_hilbert.audio_io import read_audio
    >>> left_only = np.c_[np.full(16000, 0.5), np.zeros(16000)]  # 1 s of stereo
    >>> path = os.path.join(tempfile.mkdtemp(), "left.wav")
    >>> sf.write(path, left_only, 16000)
    >>> samples, sr = read_audio(path, start=0.25, end=0.75)  # the middle half second
    >>> samples.shape, sr, float(samples.max())  # mono: the mean of the two channels
    ((8000,), 16000, 0.25)
    """
    n_frames, sr = audio_info(path)
    if n_frames == 0:
        raise AudioError(f"audio file {os.fspath(path)!r} holds no sample (empty, or truncated "
                         "after its header)")
    first, last = slice_frames(start, end, sr, n_frames, path)
    try:
        data, _ = sf.read(os.fspath(path), start=first, stop=last, dtype="float32",
                          always_2d=True)
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise AudioError(f"audio file {os.fspath(path)!r} cannot be decoded: {exc}") from None
    mono = data[:, 0] if data.shape[1] == 1 else data.mean(axis=1)
    return np.ascontiguousarray(mono, dtype=np.float32), sr


def slice_frames(start, end, sample_rate, n_frames, path="<audio>"):
    """Convert ``start``/``end`` seconds to frame indices, checking them against the file.

    An ``end`` up to 10 ms past the end of the file is clipped (transcripts are
    often rounded); anything further is an error.
    """
    duration = n_frames / sample_rate
    start = 0.0 if start is None else float(start)
    end = duration if end is None else float(end)
    if not (np.isfinite(start) and np.isfinite(end)):
        raise AudioError(f"start={start} and end={end} must be finite numbers of seconds")
    if start < 0:
        raise AudioError(f"start={start:g} s is negative")
    if end <= start:
        raise AudioError(f"end={end:g} s is not after start={start:g} s")
    if end > duration + 0.01:
        raise AudioError(
            f"end={end:g} s is past the end of {os.fspath(path)!r}, which lasts {duration:.3f} s"
        )
    first = int(round(start * sample_rate))
    last = min(int(round(end * sample_rate)), n_frames)
    if last <= first:
        raise AudioError(f"the slice {start:g}-{end:g} s of {os.fspath(path)!r} holds no sample")
    return first, last


def resample(samples, orig_rate, new_rate):
    """Resample a mono float32 waveform with :func:`torchaudio.functional.resample`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert.audio_io import resample
    >>> resample(np.zeros(44100, dtype=np.float32), 44100, 16000).shape
    (16000,)
    """
    if int(orig_rate) == int(new_rate):
        return samples
    with torch.inference_mode():
        out = AF.resample(torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32)),
                          int(orig_rate), int(new_rate))
    return out.numpy()


def resampled_length(n_samples, orig_rate, new_rate):
    """Number of samples :func:`resample` returns for ``n_samples`` input samples."""
    if int(orig_rate) == int(new_rate):
        return int(n_samples)
    return int(np.ceil(n_samples * int(new_rate) / int(orig_rate)))
