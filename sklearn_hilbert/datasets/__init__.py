"""Data sets: a synthetic generator and a rebuildable spoken corpus."""

from .synthetic import make_segment_data

__all__ = ["make_segment_data"]
