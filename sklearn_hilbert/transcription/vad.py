"""Where a recording holds speech: Silero VAD streamed over the file in blocks.

The file is decoded block by block with :mod:`soundfile`, mixed to mono and
resampled to 16 kHz with torchaudio, and each 32 ms window goes through the
Silero VAD model shipped in the ``silero-vad`` wheel (its ONNX export, run by
onnxruntime), keeping the model's state from one block to the next.  Only the
per-window speech probabilities are kept (one float per 32 ms), so memory is
bounded by the block size whatever the recording's length; the probabilities
become speech regions with silero-vad's own :func:`get_speech_timestamps_from_probs`.
"""

import os
import warnings

import numpy as np
import soundfile as sf
import torch

from .._optional import import_optional
from .._threads import torch_threads_kept
from ..audio_io import AudioError, audio_info, resample

__all__ = ["VAD_RATE", "speech_regions", "load_vad"]

_PURPOSE = "Voice activity detection (Silero VAD)"

VAD_RATE = 16000
_WINDOW = 512  # samples per Silero window at 16 kHz


def load_vad():
    """The Silero VAD model of the ``silero-vad`` package (ONNX, one thread).

    Needs the ``[transcribe]`` extra (silero-vad, onnxruntime).
    """
    with torch_threads_kept():  # importing silero_vad sets torch to one thread
        load_silero_vad = import_optional("silero_vad", "transcribe", _PURPOSE).load_silero_vad
    import_optional("onnxruntime", "transcribe", _PURPOSE)  # what the ONNX model runs on
    with warnings.catch_warnings():  # its use of importlib.resources.path is deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        return load_silero_vad(onnx=True)


def speech_regions(path, model=None, threshold=0.5, min_speech=0.25, min_silence=0.3,
                   speech_pad=0.1, block_seconds=60.0):
    """Speech regions of an audio file, in seconds.

    Parameters
    ----------
    path : str or path-like
        Any file :mod:`soundfile` reads (WAV, FLAC, OGG, MP3...), any rate,
        mono or multichannel.
    model : Silero VAD model, default=None
        From :func:`load_vad`; loaded here when ``None``.
    threshold : float, default=0.5
        Speech probability above which a window is speech.
    min_speech : float, default=0.25
        Shorter bursts are dropped (seconds).
    min_silence : float, default=0.3
        Shorter pauses do not end a region (seconds).
    speech_pad : float, default=0.1
        Seconds added on both sides of each region.
    block_seconds : float, default=60.0
        Audio decoded at once; bounds the memory used.

    Returns
    -------
    regions : list of (float, float)
        ``(start, end)`` of each speech region, in order, within the file.
    duration : float
        The file's duration in seconds.

    Raises
    ------
    AudioError
        If the file is missing, unreadable or empty; the message names it.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np, soundfile as sf
    >>> from sklearn_hilbert.transcription.vad import speech_regions
    >>> path = os.path.join(tempfile.mkdtemp(), "silence.wav")
    >>> sf.write(path, np.zeros(32000, np.float32), 16000)
    >>> speech_regions(path)
    ([], 2.0)
    """
    n_frames, rate = audio_info(path)
    if n_frames == 0:
        raise AudioError(f"audio file {os.fspath(path)!r} holds no sample (empty, or truncated "
                         "after its header)")
    model = load_vad() if model is None else model
    model.reset_states()
    # whole Silero windows of the 16 kHz signal per block
    block = max(_WINDOW, int(block_seconds * rate) // _WINDOW * _WINDOW)
    probs, carry, total = [], np.zeros(0, np.float32), 0
    try:
        with sf.SoundFile(os.fspath(path)) as fh:
            while True:
                data = fh.read(block, dtype="float32", always_2d=True)
                if len(data) == 0:
                    break
                mono = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
                wave = resample(np.ascontiguousarray(mono), rate, VAD_RATE)
                total += len(wave)
                wave = np.concatenate([carry, wave])
                usable = len(wave) // _WINDOW * _WINDOW
                probs.extend(_window_probs(model, wave[:usable]))
                carry = wave[usable:]
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise AudioError(f"audio file {os.fspath(path)!r} cannot be decoded: {exc}") from None
    if len(carry):
        probs.extend(_window_probs(model, np.pad(carry, (0, _WINDOW - len(carry)))))
    with torch_threads_kept():
        get_speech_timestamps_from_probs = import_optional(
            "silero_vad", "transcribe", _PURPOSE).get_speech_timestamps_from_probs
    found = get_speech_timestamps_from_probs(
        probs, sampling_rate=VAD_RATE, threshold=threshold,
        min_speech_duration_ms=int(min_speech * 1000),
        min_silence_duration_ms=int(min_silence * 1000), speech_pad_ms=int(speech_pad * 1000),
        audio_length_samples=total)
    duration = n_frames / rate
    regions = [(min(r["start"] / VAD_RATE, duration), min(r["end"] / VAD_RATE, duration))
               for r in found]
    return [(a, b) for a, b in regions if b > a], duration


def _window_probs(model, wave):
    """Speech probability of each 512-sample window of ``wave`` (a multiple of 512 long)."""
    out = []
    with torch.inference_mode():
        x = torch.from_numpy(np.nan_to_num(wave, nan=0.0, posinf=0.0, neginf=0.0))
        for k in range(0, len(x), _WINDOW):
            out.append(float(model(x[k:k + _WINDOW], VAD_RATE)))
    return out
