"""sklearn-hilbert."""
