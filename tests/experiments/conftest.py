"""Fixtures of the harness tests."""

import numpy as np
import pytest


@pytest.fixture
def segment_tensors():
    """Small segment tensors whose label lives in the text (for method/evaluation tests)."""
    from sklearn_hilbert.datasets import make_segment_data

    X, y = make_segment_data(n_docs=60, n_segments=(3, 6), signal="text", strength=0.9,
                             random_state=0)
    return X, np.asarray(y)


@pytest.fixture(autouse=True, scope="module")
def _one_thread(one_thread):
    """One BLAS/torch thread (see the top-level conftest)."""
    yield
