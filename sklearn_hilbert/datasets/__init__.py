"""Data sets: a synthetic generator and a rebuildable spoken corpus."""

from .spoken_reviews import fetch_spoken_reviews
from .synthetic import make_segment_data

__all__ = ["fetch_spoken_reviews", "make_segment_data"]
