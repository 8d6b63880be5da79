"""Small data and settings shared by the model_selection tests."""

import pytest
from sklearn.base import clone

from sklearn_hilbert import HilbertClassifier
from sklearn_hilbert.datasets import make_segment_data

#: A small network; no dropout and one batch per epoch make training deterministic
#: up to float rounding, so the stacked engine must reproduce sequential fits exactly.
DETERMINISTIC = dict(d_model=16, proj_dim=8, n_experts=3, max_epochs=4, batch_size=256,
                     dropout=0.0, segment_dropout=0.0)


@pytest.fixture(scope="module")
def data():
    return make_segment_data(n_docs=60, n_segments=(3, 6), n_classes=3, random_state=0)


@pytest.fixture
def deterministic():
    return HilbertClassifier(**DETERMINISTIC, random_state=0)


def variants(base, settings):
    """Clones of ``base`` with each dict of ``settings``."""
    return [clone(base).set_params(**s) for s in settings]
