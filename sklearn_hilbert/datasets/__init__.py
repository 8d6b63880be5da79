"""Data sets: a synthetic generator and a rebuildable spoken corpus, and their data folder."""

from ._corpus import get_data_home
from .spoken_reviews import fetch_spoken_reviews
from .synthetic import make_segment_data, make_segment_regression

__all__ = ["fetch_spoken_reviews", "get_data_home", "make_segment_data", "make_segment_regression"]
