"""What the transformers that learn nothing share: fit, tags, pickling, progress, the cache."""

import sys

from .encoders.cache import EmbeddingCache


class StatelessTransformerMixin:
    """``fit`` that only checks, scikit-learn tags, pickling without models, progress, cache.

    For :class:`~sklearn_hilbert.FrozenEncoderTransformer` and
    :class:`~sklearn_hilbert.transcription.WhisperTranscriber`: transformers
    with ``progress`` and ``cache`` parameters that learn nothing and load
    their models on first use.  A subclass checks its input in
    ``_check_input(X)`` (returning it as a list) and its parameters in
    ``_check_params``, and names in ``_loaded_state`` the attributes that hold
    what it loaded, which are never pickled.  Put the mixin first among the
    bases (before ``TransformerMixin`` and ``BaseEstimator``).
    """

    _loaded_state = ("_cache_state",)

    def fit(self, X, y=None):
        """Check the parameters and the input; nothing is learned.

        Parameters
        ----------
        X : list
            The input of ``transform``.
        y : ignored

        Returns
        -------
        self : object
        """
        self._check_params()
        self._check_input(X)
        return self

    def __sklearn_is_fitted__(self):
        return True  # stateless: nothing to learn

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.two_d_array = False
        return tags

    def __getstate__(self):
        state = self.__dict__.copy()
        for name in self._loaded_state:
            state.pop(name, None)  # loaded models and cached vectors are not pickled
        return state

    def _check_progress(self):
        if self.progress not in (True, False, "auto"):
            raise ValueError(f"progress must be True, False or 'auto', got {self.progress!r}")

    def _show_progress(self):
        """``progress``, where ``"auto"`` means: only when stderr is a terminal."""
        if self.progress == "auto":
            return bool(getattr(sys.stderr, "isatty", lambda: False)())
        return bool(self.progress)

    def _embedding_cache(self):
        """The :class:`~sklearn_hilbert.encoders.cache.EmbeddingCache` of ``cache``, kept
        while ``cache`` holds."""
        state = getattr(self, "_cache_state", None)
        if state is None or state[0] != self.cache:
            state = self._cache_state = (self.cache, EmbeddingCache(self.cache))
        return state[1]
