"""Cut a long text into segments of about ``target_words`` words at sentence boundaries.

The HILBERT paper cuts each interview into segments of 17 words on average
(6.5 s of speech).  :func:`split_into_segments` does the same for written text:
it keeps sentences whole when it can, merges short sentences with their
neighbours and splits long sentences (preferably after a comma or semicolon)
into nearly equal parts.
"""

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACE_BEFORE = re.compile(r"\s+([,.;:!?)\]%])")
_SPACE_AFTER = re.compile(r"([(\[$])\s+")
_QUOTED = re.compile(r'"\s*([^"]*?)\s*"')
_CLAUSE_END = (",", ";", ":", "--", "-")


def detokenize(text):
    """Turn whitespace-tokenised text (``"it 's good , really ."``) into readable text.

    Parameters
    ----------
    text : str
        Text whose punctuation is separated by spaces, as in the Pang & Lee corpus.

    Returns
    -------
    str
        The text with control characters removed, spaces collapsed, and no space
        before closing punctuation or inside brackets and quotes.

    Examples
    --------
    >>> from sklearn_hilbert.datasets._segmentation import detokenize
    >>> detokenize('the book ( or " graphic novel , " if you will ) is long .')
    'the book (or "graphic novel," if you will) is long.'
    """
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    text = _QUOTED.sub(lambda m: '"' + m.group(1) + '"', text)
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER.sub(r"\1", text)
    return text.strip()


def split_sentences(text):
    """Split text into sentences: at line breaks, and after ``.``, ``!`` or ``?``.

    Examples
    --------
    >>> from sklearn_hilbert.datasets._segmentation import split_sentences
    >>> split_sentences("one two. three four!\\nfive ( six . )")
    ['one two.', 'three four!', 'five ( six . )']
    """
    sentences = []
    for line in _CONTROL.sub(" ", str(text)).splitlines():
        for sentence in _SENTENCE_END.split(line):
            sentence = sentence.strip()
            if sentences and sentence and not any(c.isalnum() for c in sentence):
                sentences[-1] += " " + sentence  # a lone ")" or '"' ends the previous one
            elif sentence:
                sentences.append(sentence)
    return sentences


def _split_long(words, target_words):
    """Split a list of words into ``round(len / target)`` nearly equal parts.

    Each cut is moved by at most a quarter of ``target_words`` to fall right
    after a clause-ending token (comma, semicolon...) when one is near.
    """
    n_parts = max(1, round(len(words) / target_words))
    if n_parts <= 1:
        return [words]
    size = len(words) / n_parts
    slack = max(1, target_words // 4)
    cuts, previous = [], 0
    for k in range(1, n_parts):
        ideal = round(k * size)
        candidates = [
            c
            for c in range(max(previous + 1, ideal - slack), min(len(words) - 1, ideal + slack) + 1)
            if words[c - 1].endswith(_CLAUSE_END)
        ]
        cut = min(candidates, key=lambda c: abs(c - ideal)) if candidates else ideal
        cut = max(cut, previous + 1)
        cuts.append(cut)
        previous = cut
    bounds = [0, *cuts, len(words)]
    return [words[a:b] for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def split_into_segments(text, target_words=17):
    """Cut a text into segments of about ``target_words`` words at sentence boundaries.

    Sentences longer than 1.5 x ``target_words`` are split into nearly equal
    parts (after a comma or semicolon when one is close to the ideal cut);
    a segment shorter than 0.75 x ``target_words`` absorbs the next sentence
    unless that would make it longer than 1.25 x ``target_words``.  Word order and every word are preserved.

    Parameters
    ----------
    text : str
        The document.  Line breaks and ``.!?`` end sentences.
    target_words : int, default=17
        Wanted number of words per segment (17 in the HILBERT paper).

    Returns
    -------
    list of str
        The segments, whitespace-normalised (tokenisation is kept; see
        :func:`detokenize` for display).

    Examples
    --------
    >>> from sklearn_hilbert.datasets._segmentation import split_into_segments
    >>> text = "It rains. " * 3 + "This sentence has exactly ten words in it, I promise."
    >>> split_into_segments(text, target_words=8)
    ['It rains. It rains. It rains.', 'This sentence has exactly ten words in it, I promise.']
    """
    if target_words < 1:
        raise ValueError(f"target_words must be >= 1, got {target_words}.")
    pieces = []
    for sentence in split_sentences(text):
        words = sentence.split()
        if len(words) > 1.5 * target_words:
            pieces.extend(_split_long(words, target_words))
        else:
            pieces.append(words)
    segments, current = [], []
    for words in pieces:
        long_enough = len(current) >= 0.75 * target_words
        too_long = len(current) + len(words) > 1.25 * target_words
        if current and (long_enough or too_long):
            segments.append(current)
            current = []
        current = current + words
    if current:
        segments.append(current)
    return [" ".join(words) for words in segments]
