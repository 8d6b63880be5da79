import pytest

from sklearn_hilbert import HilbertClassifier
from sklearn_hilbert.datasets import make_segment_data

#: a network small enough for many fits in a test suite
TINY = dict(d_model=16, n_heads=2, proj_dim=16, n_experts=4, max_epochs=3, batch_size=16)


@pytest.fixture
def tiny_clf():
    return HilbertClassifier(random_state=0, **TINY)


@pytest.fixture(scope="session")
def data3():
    return make_segment_data(
        n_docs=60, n_segments=(3, 9), n_classes=3, weights=[0.5, 0.3, 0.2],
        d_audio=6, d_text=5, signal="audio", random_state=0,
    )
