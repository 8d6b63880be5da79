import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sklearn_hilbert.transcription import Word, resegment


def _words(durations, gaps, punct=None):
    words, t = [], 0.0
    for k, (d, g) in enumerate(zip(durations, gaps)):
        text = f"w{k}" + ((punct or {}).get(k, ""))
        words.append(Word(t, t + d, text))
        t += d + g
    return words


@given(st.lists(st.tuples(st.floats(0.05, 0.8), st.floats(0.0, 2.5)), min_size=1, max_size=80))
def test_segments_never_cut_inside_a_word_and_keep_every_word(spec):
    words = _words(*zip(*spec))
    segs = resegment(words)
    assert " ".join(t for _, _, t in segs).split() == [w.text for w in words]
    k = 0
    for (a, b, text), nxt in zip(segs, segs[1:] + [None]):
        n = len(text.split())
        inside = words[k:k + n]
        assert a <= inside[0].start and inside[-1].end <= b  # whole words only
        if nxt is not None:
            assert b <= nxt[0] <= words[k + n].start  # cut in the gap, no overlap
        k += n


def test_dense_speech_gives_segments_near_the_target():
    rng = np.random.default_rng(0)
    words = _words(rng.uniform(0.15, 0.45, 400), rng.uniform(0.02, 0.12, 400))
    lengths = np.array([b - a for a, b, _ in resegment(words)])
    assert lengths.min() >= 3.0 - 0.4 and lengths.max() <= 10.0 + 0.4  # +- the pad
    assert abs(np.median(lengths) - 6.5) < 1.0


def test_prefers_sentence_ends_and_pauses():
    # 24 words of 0.25 s + 0.05 s gaps: 7.2 s; a sentence ends after word 11 (3.6 s)
    words = _words([0.25] * 24, [0.05] * 24, punct={11: "."})
    segs = resegment(words, target_duration=4.0, min_duration=2.0, max_duration=6.0)
    assert [len(t.split()) for *_, t in segs] == [12, 12]
    assert segs[0][2].endswith("w11.")
    # a long pause after word 9 wins over the arithmetic middle (after word 12)
    gaps = [0.05] * 24
    gaps[9] = 1.0
    segs = resegment(_words([0.25] * 24, gaps), target_duration=4.0, min_duration=2.0,
                     max_duration=6.0)
    assert len(segs[0][2].split()) == 10


def test_long_pauses_split_and_short_utterances_survive():
    words = [Word(0.0, 0.4, "yes."), Word(5.0, 5.4, "no."), Word(11.0, 11.5, "maybe.")]
    segs = resegment(words)
    assert [t for *_, t in segs] == ["yes.", "no.", "maybe."]
    assert resegment([]) == []
    with pytest.raises(ValueError, match="min_duration"):
        resegment(words, target_duration=2.0, min_duration=3.0)


def test_bounds_stay_inside_the_recording():
    segs = resegment([Word(0.05, 0.5, "hello"), Word(0.6, 1.9, "there")], duration=2.0)
    assert segs[0][0] == 0.0 and segs[-1][1] == 2.0
