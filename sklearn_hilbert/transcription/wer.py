"""Word error rate of a transcript against the known text (jiwer, after light normalisation)."""

import re

from .._optional import import_optional

__all__ = ["normalize_text", "word_error_rate"]

_KEEP = re.compile(r"[^\w\s']")


def normalize_text(text):
    """Lower case, punctuation dropped (apostrophes kept), spaces collapsed.

    Examples
    --------
    >>> from sklearn_hilbert.transcription.wer import normalize_text
    >>> normalize_text("It's  GOOD, (really)!")
    "it's good really"
    """
    return " ".join(_KEEP.sub(" ", str(text).lower().replace("\u2019", "'")).split())


def word_error_rate(references, hypotheses):
    """Word error rate of ``hypotheses`` against ``references``, pooled over all pairs.

    Parameters
    ----------
    references, hypotheses : str or list of str
        The true texts and the transcripts, one per document.

    Returns
    -------
    wer : float
        (substitutions + deletions + insertions) / reference words, over all
        pairs together, after :func:`normalize_text`.  Numbers written as
        digits by the recogniser and as words in the reference count as errors.

    Raises
    ------
    MissingExtraError
        If jiwer is not installed (``pip install "sklearn-hilbert[transcribe]"``).

    Examples
    --------
    >>> from sklearn_hilbert.transcription.wer import word_error_rate
    >>> word_error_rate("the cat sat on the mat", "The cat sat on a mat.")
    0.16666666666666666
    """
    jiwer = import_optional("jiwer", "transcribe", "The word error rate (word_error_rate)")
    if isinstance(references, str):
        references, hypotheses = [references], [hypotheses]
    references = [normalize_text(r) for r in references]
    hypotheses = [normalize_text(h) for h in hypotheses]
    if len(references) != len(hypotheses):
        raise ValueError(f"{len(references)} references but {len(hypotheses)} hypotheses")
    if not any(references):
        raise ValueError("the references hold no word")
    keep = [k for k, r in enumerate(references) if r]
    return float(jiwer.wer([references[k] for k in keep], [hypotheses[k] for k in keep]))
