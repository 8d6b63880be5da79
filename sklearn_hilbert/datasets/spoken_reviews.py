"""Spoken movie reviews: a public, rebuildable corpus of long spoken documents."""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import soundfile as sf
from sklearn.utils import Bunch
from tqdm.auto import tqdm

from ..manifest import write_rows
from ._corpus import find_corpus, get_data_home, read_reviews
from ._espeak import Voice, espeak_path, synthesize
from ._segmentation import detokenize, split_into_segments

#: The four voices: accent (espeak-ng voice), pitch, rate and pitch group.
VOICES = (
    Voice("us", "en-us", pitch=42, rate=165, group="low"),
    Voice("gb", "en-gb", pitch=68, rate=185, group="high"),
    Voice("scottish", "en-gb-scotland", pitch=30, rate=150, group="low"),
    Voice("caribbean", "en-029", pitch=80, rate=200, group="high"),
)
#: Probability of each voice (same order as ``VOICES``).
VOICE_WEIGHTS = (0.55, 0.25, 0.13, 0.07)
TASKS = ("sentiment", "voice", "joint")
SAMPLE_RATE = 16000
TARGET_WORDS = 17
PAUSE_SECONDS = 0.3
N_REVIEWS = 1500


def _plan(reviews, random_state):
    """Order of the reviews and each review's speaker, fixed by ``random_state``.

    Positive and negative reviews alternate in the order, so any prefix of
    it is balanced and a smaller corpus is a subset of a larger one.
    """
    rng = np.random.default_rng(random_state)
    pos = rng.permutation([i for i, (_, s) in enumerate(reviews) if s == "positive"])
    neg = rng.permutation([i for i, (_, s) in enumerate(reviews) if s == "negative"])
    order = np.empty(len(pos) + len(neg), dtype=int)
    order[0::2], order[1::2] = neg, pos
    voice_idx = rng.choice(len(VOICES), size=len(reviews), p=VOICE_WEIGHTS)
    voices = [VOICES[k].jittered(rng) for k in voice_idx]
    return order, voices


def _wav_name(review_id, voice, n_segments):
    return f"r{review_id:04d}-{voice.name}-p{voice.pitch}-s{voice.rate}-{n_segments}seg.wav"


def _speak_document(path, segments, voice):
    """Synthesise one document's segments into one WAV; return their (start, end) seconds."""
    pause = np.zeros(int(PAUSE_SECONDS * SAMPLE_RATE), dtype=np.float32)
    pieces, bounds, position = [], [], 0
    for text in segments:
        wave = synthesize(text, voice, SAMPLE_RATE)
        if wave.size == 0:
            raise RuntimeError(f"espeak-ng produced no audio for segment {text!r} of {path.name}.")
        bounds.append((position, position + wave.size))
        pieces += [wave, pause]
        position += wave.size + pause.size
    if not path.exists():
        tmp = path.with_suffix(f".tmp{os.getpid()}.wav")
        sf.write(tmp, np.concatenate(pieces), SAMPLE_RATE, subtype="PCM_16")
        tmp.replace(path)
    return [(a / SAMPLE_RATE, b / SAMPLE_RATE) for a, b in bounds]


def _boundaries_from_wav(path, segments, voice):
    """Segment boundaries of an existing WAV (stored beside it), else re-synthesise."""
    sidecar = path.with_suffix(".bounds.npy")
    if path.exists() and sidecar.exists():
        bounds = np.load(sidecar)
        if len(bounds) == len(segments):
            return [tuple(map(float, b)) for b in bounds]
    bounds = _speak_document(path, segments, voice)
    np.save(sidecar, np.asarray(bounds))
    return bounds


def build_spoken_reviews(data_home=None, n_docs=200, max_segments=None, random_state=0,
                         download_if_missing=True, n_jobs=2, progress=True):
    """Write the WAVs and the manifest of the spoken reviews; return the manifest path.

    See :func:`fetch_spoken_reviews` for the parameters.  Existing WAVs are
    reused, so building a larger corpus after a smaller one only speaks the
    new documents.
    """
    if not 1 <= n_docs <= N_REVIEWS:
        raise ValueError(f"n_docs must be in [1, {N_REVIEWS}], got {n_docs}.")
    if max_segments is not None and max_segments < 1:
        raise ValueError(f"max_segments must be None or >= 1, got {max_segments}.")
    home = get_data_home(data_home)
    root = home / "spoken_reviews"
    manifest = root / f"manifest-n{n_docs}-s{max_segments or 'all'}-rs{random_state}.csv"
    if manifest.exists():
        return manifest
    reviews = read_reviews(find_corpus(home, download_if_missing))
    espeak_path()  # fail early, with install instructions, when espeak-ng is missing
    order, voices = _plan(reviews, random_state)
    (root / "wav").mkdir(parents=True, exist_ok=True)

    def build_one(review_id):
        text, sentiment = reviews[review_id]
        segments = [detokenize(s) for s in split_into_segments(text, TARGET_WORDS)]
        # nothing to say in a segment of punctuation or control characters only
        segments = [s for s in segments if any(c.isalnum() for c in s)][:max_segments]
        voice = voices[review_id]
        name = _wav_name(review_id, voice, len(segments))
        bounds = _boundaries_from_wav(root / "wav" / name, segments, voice)
        labels = {"sentiment": sentiment, "voice": voice.name,
                  "joint": f"{sentiment}-{voice.group}"}
        return [
            {"doc_id": f"review{review_id:04d}", "audio_path": f"wav/{name}",
             "start": f"{start:.6f}", "end": f"{end:.6f}", "text": seg, **labels}
            for seg, (start, end) in zip(segments, bounds)
        ]

    ids = [int(i) for i in order[:n_docs]]
    with ThreadPoolExecutor(max_workers=max(1, n_jobs)) as pool:
        rows = list(tqdm(pool.map(build_one, ids), total=len(ids), disable=not progress,
                         desc="Speaking reviews (espeak-ng)", unit="doc"))
    tmp = manifest.with_suffix(f".tmp{os.getpid()}")
    write_rows(tmp, [row for doc_rows in rows for row in doc_rows], list(rows[0][0]), fmt="csv")
    tmp.replace(manifest)
    return manifest


def fetch_spoken_reviews(n_docs=200, max_segments=None, random_state=0, data_home=None, *,
                         task="sentiment", download_if_missing=True, n_jobs=2, progress=True,
                         return_X_y=False):
    """Load the spoken movie reviews: long spoken documents with real sentiment labels.

    Text: the 1500 full-length movie reviews of Pang & Lee's polarity dataset
    v2.0 (``polarity-en-pang&lee1.csv`` in Debian's ``python3-pattern``;
    mean 745 words, 750 positive / 750 negative).  Each review is cut at
    sentence boundaries into segments of about 17 words (as in the HILBERT
    paper) and every segment is spoken by ``espeak-ng`` at 16 kHz in the
    document's voice; a document is one WAV (segments separated by 0.3 s of
    silence) and its manifest rows give each segment's start and end.

    Voices: four accents, each with its own base pitch and rate
    (``us``: en-us, low pitch, 165 wpm; ``gb``: en-gb, high, 185 wpm;
    ``scottish``: en-gb-scotland, low, 150 wpm; ``caribbean``: en-029, high,
    200 wpm), drawn per document with probabilities 0.55 / 0.25 / 0.13 / 0.07
    independently of the review, and jittered per document (pitch +/- 6,
    rate +/- 12 wpm) so that documents of one accent are not identical.

    Labels (``task``):

    - ``"sentiment"`` -- **real**: the review's polarity given by Pang & Lee
      (``positive`` / ``negative``, balanced).  Lives in the words only.
    - ``"voice"`` -- **assigned** by this builder: which of the four voices
      read the document (4 classes, imbalanced).  Lives in the audio only.
    - ``"joint"`` -- **half real, half assigned**: sentiment crossed with the
      voice's pitch group (``low``: us, scottish; ``high``: gb, caribbean),
      e.g. ``positive-high``; 4 classes of about 34 / 34 / 16 / 16 %.  Needs
      both modalities.

    The WAVs and a manifest (``doc_id, audio_path, start, end, text,
    sentiment, voice, joint``; audio paths relative to the manifest) are
    written under ``data_home/spoken_reviews`` once and reused.  The order of
    the reviews and their voices depend only on ``random_state``, so a corpus
    of ``n_docs`` documents is a subset of a larger one, and positive and
    negative reviews alternate (any ``n_docs`` is balanced in sentiment).

    Parameters
    ----------
    n_docs : int, default=200
        Number of documents (at most 1500).
    max_segments : int or None, default=None
        Keep only the first ``max_segments`` segments of each review (the
        reviews have 45 segments on average, up to 159); None keeps all.
    random_state : int, default=0
        Seed of the review order and of the voices.
    data_home : str or path-like, default=None
        Data folder; default: env ``SKLEARN_HILBERT_DATA``, else
        ``~/sklearn_hilbert_data``.  The corpus is looked for in
        ``/usr/share/doc/python3-pattern/test/corpora/`` and under
        ``data_home/debian/``.
    task : {"sentiment", "voice", "joint"}, default="sentiment"
        Which label column becomes ``target``.
    download_if_missing : bool, default=True
        Fetch the corpus with ``apt-get download python3-pattern`` when it is missing.
    n_jobs : int, default=2
        Documents synthesised in parallel (threads, one espeak-ng process each).
    progress : bool, default=True
        Show a progress bar while speaking.
    return_X_y : bool, default=False
        Return ``(documents, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``documents`` (list of :class:`~sklearn_hilbert.Document`),
        ``target`` (labels of ``task``), ``targets`` (dict task -> labels for
        all three tasks), ``target_names``, ``doc_ids``, ``task``,
        ``manifest`` (path of the manifest) and ``DESCR``.
    (documents, target) : tuple
        If ``return_X_y`` is True.

    Raises
    ------
    OSError
        If the corpus is missing and cannot be fetched (says what to install).
    RuntimeError
        If espeak-ng is not installed (says how to install it).

    Examples
    --------
    >>> from sklearn_hilbert.datasets import fetch_spoken_reviews
    >>> data = fetch_spoken_reviews(n_docs=4, max_segments=3, progress=False)
    >>> len(data.documents), data.target_names.tolist()
    (4, ['negative', 'positive'])
    >>> len(data.documents[0].segments)
    3
    """
    from ..manifest import load_manifest

    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}.")
    manifest = build_spoken_reviews(data_home, n_docs, max_segments, random_state,
                                    download_if_missing, n_jobs, progress)
    documents, _ = load_manifest(manifest, label=list(TASKS))
    targets = {t: np.array([str(d.metadata[t]) for d in documents]) for t in TASKS}
    doc_ids = [d.doc_id for d in documents]
    if return_X_y:
        return documents, targets[task]
    return Bunch(
        documents=documents,
        target=targets[task],
        targets=targets,
        target_names=np.unique(targets[task]),
        doc_ids=np.array(doc_ids),
        task=task,
        manifest=Path(manifest),
        DESCR=fetch_spoken_reviews.__doc__,
    )
