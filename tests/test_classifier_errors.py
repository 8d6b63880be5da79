"""Every mistake a user can make with segment tensors or labels gets a clear message."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from sklearn_hilbert import HilbertClassifier, SegmentPooler

from support import TINY


def segs(n=8, S=4, da=3, dt=2, seed=0):
    rng = np.random.default_rng(seed)
    mask = np.ones((n, S), dtype=bool)
    if S:
        mask[:, -1] = False
    return {"audio": rng.normal(size=(n, S, da)), "text": rng.normal(size=(n, S, dt)), "mask": mask}


Y = np.array([0, 1] * 4)


def bad(**changes):
    X = segs()
    X.update(changes)
    return X


def nan_at(doc, seg):
    X = segs()
    X["audio"][doc, seg, 1] = np.nan
    return X


def all_padding(doc):
    X = segs()
    X["mask"][doc] = False
    return X


CASES = [
    ("raw documents", ["doc1", "doc2"], TypeError, "FrozenEncoderTransformer first"),
    ("missing key", {k: v for k, v in segs().items() if k != "text"}, ValueError, r"missing key\(s\) \['text'\]"),
    ("2-D audio", bad(audio=np.zeros((8, 4))), ValueError, "'audio' must be 3-D"),
    ("1-D mask", bad(mask=np.ones(8, dtype=bool)), ValueError, "'mask' must be 2-D"),
    ("shape mismatch", bad(text=np.zeros((8, 5, 2))), ValueError, "first two dimensions"),
    ("NaN in a segment", nan_at(5, 2), ValueError, "document 5, segment 2"),
    ("empty corpus", segs(n=0), ValueError, "0 documents"),
    ("no segments", segs(S=0), ValueError, "0 segments"),
    ("all-padding document", all_padding(3), ValueError, "Document 3 has no real segment"),
    ("non-boolean mask", bad(mask=np.full((8, 4), 2)), ValueError, "boolean"),
    ("strings as features", bad(audio=np.full((8, 4, 3), "a")), ValueError, "real-valued"),
    ("complex features", bad(text=np.ones((8, 4, 2), dtype=complex)), ValueError, "Complex data not supported"),
]


@pytest.mark.parametrize("X, exc, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.parametrize("estimator", [HilbertClassifier(**TINY), SegmentPooler()], ids=["hilbert", "pooler"])
def test_bad_segment_tensors(estimator, X, exc, message):
    y = Y if not isinstance(X, dict) or len(X.get("mask", [])) == 8 else Y[: len(X["mask"])]
    with pytest.raises(exc, match=message):
        estimator.fit(X, y)


def test_nan_in_padding_is_ignored():
    X = segs()
    X["audio"][:, -1] = np.nan  # padding position
    clf = HilbertClassifier(random_state=0, **TINY).fit(X, Y)
    assert np.isfinite(clf.predict_proba(X)).all()


def test_the_callers_arrays_are_never_written_to():
    """Padding is zeroed in a copy: the caller's arrays keep their values, and read-only
    (memory-mapped) arrays are accepted."""
    X = segs()
    X["audio"][:, -1] = 7.0  # padding position
    before = {k: v.copy() for k, v in X.items()}
    for v in X.values():
        v.setflags(write=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # torch warns when it wraps a read-only array
        clf = HilbertClassifier(random_state=0, **TINY).fit(X, Y)
        assert np.isfinite(clf.predict_proba(X)).all()
    for k in X:
        np.testing.assert_array_equal(X[k], before[k])


@pytest.mark.parametrize(
    "y, message",
    [
        (np.zeros(8), "single class"),
        (np.array([0.0, 1.0] * 3 + [np.nan, 1.0]), "NaN for document 6"),
        (np.array(["a", "b"] * 3 + [None, "a"], dtype=object), "missing label .* document 6"),
        (np.array([0, 1] * 3), "8 documents but y holds 6"),
        (np.linspace(0, 1, 8), "continuous"),
    ],
)
def test_bad_labels(y, message):
    with pytest.raises(ValueError, match=message):
        HilbertClassifier(**TINY).fit(segs(), y)


def test_predict_before_fit():
    with pytest.raises(NotFittedError):
        HilbertClassifier().predict_proba(segs())


def test_feature_dimension_changes_between_fit_and_predict():
    clf = HilbertClassifier(random_state=0, **TINY).fit(segs(), Y)
    with pytest.raises(ValueError, match="'text'.* 7 features per segment.* fitted with 2"):
        clf.predict(segs(dt=7))


def test_predict_accepts_different_segment_count():
    clf = HilbertClassifier(random_state=0, **TINY).fit(segs(), Y)
    assert clf.predict_proba(segs(S=11)).shape == (8, 2)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"contrastive": "clip"}, "contrastive"),
        ({"head": "tree"}, "head"),
        ({"lambda_cka": -1.0}, "lambda_cka"),
        ({"d_model": 10, "n_heads": 4}, "divisible"),
        ({"expert_hidden": ()}, "expert_hidden"),
        ({"validation_fraction": 1.5}, "validation_fraction"),
        ({"segment_dropout": 1.0}, "segment_dropout"),
    ],
)
def test_bad_hyperparameters(params, message):
    with pytest.raises(ValueError, match=message):
        HilbertClassifier(**{**TINY, **params}).fit(segs(), Y)
