"""Fixtures of the data-set tests."""

import pytest


@pytest.fixture(autouse=True, scope="module")
def _one_thread(one_thread):
    """One BLAS/torch thread (see the top-level conftest)."""
    yield
