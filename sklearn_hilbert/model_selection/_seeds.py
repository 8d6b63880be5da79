"""``HilbertClassifier(n_seeds=k)``: k networks from k seeds, trained in one stack."""

import numpy as np
from sklearn.base import clone
from sklearn.utils import check_random_state

from ._engine import fit_models


def seed_list(random_state, n_seeds):
    """``n_seeds`` random states: the first is ``random_state`` itself, the others drawn from it.

    Examples
    --------
    >>> seed_list(0, 3)[0]
    0
    >>> len(set(seed_list(0, 3)))
    3
    """
    rng = check_random_state(random_state if not isinstance(random_state, int)
                             else random_state + 7919)
    return [random_state] + [int(s) for s in rng.randint(np.iinfo(np.int32).max,
                                                         size=n_seeds - 1)]


def fit_seeds(classifier, X, y):
    """Fit ``classifier.n_seeds`` networks together; store them on ``classifier``; return it."""
    members = [clone(classifier).set_params(n_seeds=1, random_state=seed)
               for seed in seed_list(classifier.random_state, classifier.n_seeds)]
    fitted, _ = fit_models([(member, X, y) for member in members])
    first = fitted[0]
    classifier.classes_ = first.classes_
    classifier.n_features_audio_ = first.n_features_audio_
    classifier.n_features_text_ = first.n_features_text_
    classifier.device_ = first.device_
    classifier.prior_shift_ = first.prior_shift_  # the same training set for every seed
    return classifier._set_fitted(first.net_, [m.net_ for m in fitted])
