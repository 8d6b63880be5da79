"""make_segment_data puts the label where ``signal`` says, and nowhere else."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_hilbert import SegmentPooler
from sklearn_hilbert._validation import check_segment_tensors
from sklearn_hilbert.datasets import make_segment_data


def test_contract_shapes_padding_and_lengths():
    X, y = make_segment_data(n_docs=50, n_segments=(2, 7), d_audio=5, d_text=3, random_state=0)
    check_segment_tensors(X)
    lengths = X["mask"].sum(axis=1)
    assert lengths.min() >= 2 and lengths.max() == 7 == X["mask"].shape[1]
    assert X["audio"].dtype == np.float32 and X["mask"].dtype == bool
    assert np.all(X["audio"][~X["mask"]] == 0) and np.all(X["text"][~X["mask"]] == 0)
    # masks are prefixes: segments are in order, padding at the end
    assert np.all(np.diff(X["mask"].astype(int), axis=1) <= 0)


def test_weights_give_class_proportions_and_every_class_appears():
    _, y = make_segment_data(n_docs=400, n_classes=3, weights=[0.7, 0.2, 0.1], random_state=0)
    np.testing.assert_array_equal(np.bincount(y), [280, 80, 40])
    _, y = make_segment_data(n_docs=10, n_classes=3, weights=[0.98, 0.01, 0.01], random_state=0)
    assert set(y) == {0, 1, 2}


def test_same_seed_same_data():
    a, ya = make_segment_data(n_docs=20, random_state=3)
    b, yb = make_segment_data(n_docs=20, random_state=3)
    np.testing.assert_array_equal(a["audio"], b["audio"])
    np.testing.assert_array_equal(ya, yb)


def _pooled_auc(signal, modalities):
    X, y = make_segment_data(n_docs=300, n_classes=3, weights=[0.6, 0.3, 0.1], signal=signal,
                             random_state=0)
    pipe = make_pipeline(SegmentPooler(modalities=modalities, stats=("mean", "std", "max")),
                         StandardScaler(), LogisticRegression(max_iter=2000, class_weight="balanced"))
    return cross_val_score(pipe, X, y, cv=3, scoring="roc_auc_ovr").mean()


@pytest.mark.parametrize(
    "signal, informative, blind",
    [("audio", ("audio",), ("text",)), ("text", ("text",), ("audio",))],
)
def test_single_modality_signal_lives_in_that_modality(signal, informative, blind):
    assert _pooled_auc(signal, informative) > 0.95
    assert _pooled_auc(signal, blind) < 0.65


def test_joint_signal_is_invisible_to_pooled_modalities():
    """Each modality alone is identically distributed across classes."""
    assert _pooled_auc("joint", ("audio", "text")) < 0.65


def test_joint_signal_is_in_segment_level_co_occurrence():
    X, y = make_segment_data(n_docs=200, n_classes=2, signal="joint", strength=1.0, noise=0.0,
                             speaker_noise=0.0, d_audio=4, d_text=4, random_state=0)
    # recover the discrete states by rounding to the nearest observed prototype
    def states(x):
        protos, inv = np.unique(x.reshape(-1, x.shape[-1]).round(5), axis=0, return_inverse=True)
        return inv.reshape(x.shape[:2])
    m = X["mask"]
    a, t = states(X["audio"]), states(X["text"])
    for label in (0, 1):
        docs = np.flatnonzero(y == label)
        # within a class, every segment's text state is a fixed function of its audio state
        pairs = {(ai, ti) for d in docs for ai, ti in zip(a[d][m[d]], t[d][m[d]])}
        assert len({ai for ai, _ in pairs}) == len(pairs)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"signal": "video"}, "signal"),
        ({"n_classes": 1}, "n_classes"),
        ({"n_docs": 2, "n_classes": 3}, "n_docs"),
        ({"n_segments": (5, 2)}, "n_segments"),
        ({"weights": [1.0]}, "weights"),
        ({"strength": 2.0}, "strength"),
        ({"n_classes": 5, "n_prototypes": 3}, "n_prototypes"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_segment_data(**kwargs)
