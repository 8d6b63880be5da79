"""Fixtures of the corpus / CLI tests: a tiny spoken corpus built once per session."""

import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_limits

from sklearn_hilbert.datasets.spoken_reviews import fetch_spoken_reviews

N_DOCS, N_SEG = 8, 3


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """One BLAS/torch thread: these models are tiny, and spinning threads on a shared
    2-core machine slow them down many times over."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(1):
        yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def data_home(tmp_path_factory):
    """A fresh data folder (the corpus text itself is found where `make system-deps` put it)."""
    return tmp_path_factory.mktemp("hilbert_data")


@pytest.fixture(scope="session")
def tiny_corpus(data_home):
    """8 spoken reviews of 3 segments each, built with espeak-ng."""
    return fetch_spoken_reviews(n_docs=N_DOCS, max_segments=N_SEG, data_home=data_home,
                                progress=False)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    """Embedding cache shared by the CLI tests (each segment is encoded once)."""
    return tmp_path_factory.mktemp("hilbert_cache")


@pytest.fixture
def segment_tensors():
    """Small segment tensors whose label lives in the text (for method/evaluation tests)."""
    from sklearn_hilbert.datasets import make_segment_data

    X, y = make_segment_data(n_docs=60, n_segments=(3, 6), signal="text", strength=0.9,
                             random_state=0)
    return X, np.asarray(y)
