import numpy as np
import pytest

from sklearn_hilbert.datasets._segmentation import detokenize, split_into_segments, split_sentences


def test_every_word_kept_in_order():
    text = " ".join(f"w{i}" + ("." if i % 9 == 8 else "") for i in range(200))
    segments = split_into_segments(text, target_words=17)
    assert " ".join(segments).split() == text.split()


def test_segments_are_about_target_words():
    rng = np.random.default_rng(0)
    sentences = [" ".join(["w"] * int(n)) + " ." for n in rng.integers(3, 45, size=300)]
    lengths = [len(s.split()) for s in split_into_segments("\n".join(sentences), 17)]
    assert 14 <= np.mean(lengths) <= 20
    assert max(lengths) <= 1.5 * 17 + 1


def test_long_sentence_is_cut_after_a_comma():
    words = [f"a{i}" for i in range(15)] + ["end,"] + [f"b{i}" for i in range(15)]
    first, second = split_into_segments(" ".join(words) + " .", target_words=17)
    assert first.endswith("end,") and second.startswith("b0")


def test_short_sentences_are_merged():
    assert split_into_segments("a b . c d . e f .", target_words=17) == ["a b . c d . e f ."]


def test_punctuation_fragment_joins_previous_sentence():
    assert split_sentences('he said ( quietly . ) "') == ['he said ( quietly . ) "']


def test_detokenize():
    assert detokenize("it 's ( really ) good , isn't it ?") == "it 's (really) good, isn't it?"
    assert detokenize("a\x12 b") == "a b"


def test_bad_target():
    with pytest.raises(ValueError, match="target_words"):
        split_into_segments("a b", target_words=0)
