"""Cross-fitted stacking of the extended HILBERT network and the pooled linear baselines.

:class:`HilbertStackingClassifier` (pooled logistic regression) and
:class:`HilbertStackingRegressor` (pooled ridge regression).

:class:`HilbertStackingClassifier` is stacking as scikit-learn's
:class:`~sklearn.ensemble.StackingClassifier` does it: out-of-fold predictions
of every base model on every training document (``cross_val_predict`` for the
baselines), a final estimator fitted on them, and the baselines refitted on all
training documents.  Three things differ, each for a measured reason
(``docs/model.md``, ``docs/decisions.md``):

- the network contributes the logits of each of its paths (the paper's head,
  the pooled-statistics head, the segment-interaction path), not one column of
  probabilities, so that a path that memorised its training documents can be
  turned down without the path that generalises; each fold network's paths are
  centred on the documents it predicts (:func:`out_of_fold_paths`), since a
  network fixes the sum of its paths, not each path's offset;
- the network is not refitted: new documents get the mean of the fold networks'
  centred paths, the very models the final estimator was fitted on;
- the final estimator, :class:`PathWeightClassifier`, has few, constrained
  inputs: one non-negative weight per block of logits and one bias per class.
  An unconstrained logistic regression on the probabilities of whole models,
  fitted on ~100 documents, lost 0.08 AUC on a segment-level task.

The fold networks are trained together (:func:`~sklearn_hilbert.nn.runs.train_runs`):
on a GPU they form one stacked network.
"""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.optimize import minimize
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.linear_model import LinearRegression, LogisticRegression, RidgeCV
from sklearn.model_selection import (GridSearchCV, KFold, StratifiedKFold, check_cv,
                                     cross_val_predict)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import LabelEncoder, StandardScaler
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils import get_tags
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d

from ._training_set import check_labels, check_regression_targets
from ._validation import check_segment_tensors
from .classifier import EXTENDED, HilbertClassifier
from .nn.runs import train_runs
from .pooling import SegmentPooler


class PathWeightClassifier(ClassifierMixin, BaseEstimator):
    """Combine blocks of logits with one non-negative weight each and a bias per class.

    ``X`` has shape ``(n, n_blocks, n_classes)``: the logits (or log-probabilities) of
    one model or path per block.  The model is ``softmax(sum_b w_b (X_b - mean_b) + c)``
    with ``w_b >= 0``.  Each block is centred over the training rows (so a weight scales
    only what varies between documents and the biases ``c`` take every block's class
    offsets) and measured by its spread ``s_b``, the root mean square of its centred,
    class-centred logits.  The fit is over each block's *contribution* ``u_b = w_b s_b``
    (the spread it adds to the combined logit), ``0 <= u_b <= max_contribution``, by
    L-BFGS-B on the mean cross-entropy plus ``l1 * sum_b u_b`` plus ``alpha`` times the
    squared class biases and the mean squared (class-centred) combined logit.  So the
    units of a block do not matter: multiplying a block by a constant divides its weight
    by it and changes no prediction.  A block without spread (the same logits for every
    row) gets weight 0.  It is the final estimator of :class:`HilbertStackingClassifier`:
    a few constrained inputs that out-of-fold predictions of ~100 documents can pin down.

    Parameters
    ----------
    l1 : float, default=0.0
        Strength of the penalty on the contributions, in nats of mean cross-entropy per
        unit of contribution: a block must earn its place.  Like the lasso it sets weak
        blocks to exactly 0, and every block once the best one lowers the cross-entropy
        by less than about ``l1`` per unit, so a large value can leave only the class
        biases (constant predictions).  On the segment-level task families ``l1=0.1``
        added 0.003-0.014 AUC to the stack; it is off by default because the same
        threshold would zero a block that separates a rare class weakly
        (``docs/decisions.md``).
    alpha : float, default=0.01
        Strength of the L2 penalty on the class biases and on the combined logits; it
        makes the weights unique where the cross-entropy is flat and keeps the combined
        logits finite on separable rows.
    max_contribution : float, default=10.0
        Upper bound of each block's contribution ``w_b s_b``, in logits.
    max_iter : int, default=200
        L-BFGS-B iterations.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    coef_ : ndarray of shape (n_blocks,)
        The weight of each block (of its logits as given).
    contributions_ : ndarray of shape (n_blocks,)
        ``coef_`` times each block's spread on the training rows: how much each block
        moves the combined logit, comparable between blocks.
    intercept_ : ndarray of shape (n_classes,)
        Class biases for the uncentred blocks (mean zero).
    n_blocks_ : int
        Blocks seen in ``fit``.
    n_iter_ : int
        L-BFGS-B iterations run.

    Examples
    --------
    A block that predicts the labels gets a weight; a block of confident noise
    gets none:

    >>> import numpy as np
    >>> from sklearn_hilbert.stacking import PathWeightClassifier
    >>> rng = np.random.default_rng(0)
    >>> y = np.arange(90) % 3
    >>> useful = 2.0 * np.eye(3)[y] + rng.normal(size=(90, 3))
    >>> noise = 5.0 * rng.normal(size=(90, 3))
    >>> clf = PathWeightClassifier().fit(np.stack([noise, useful], axis=1), y)
    >>> bool(clf.coef_[0] < 0.05), bool(clf.coef_[1] > 0.5)
    (True, True)
    """

    _parameter_constraints = {
        "l1": [Interval(Real, 0, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "max_contribution": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, l1=0.0, alpha=0.01, max_contribution=10.0, max_iter=200):
        self.l1 = l1
        self.alpha = alpha
        self.max_contribution = max_contribution
        self.max_iter = max_iter

    def _check_blocks(self, X, n_classes, n_blocks=None):
        X = check_array(X, allow_nd=True, dtype=np.float64)
        if X.ndim != 3 or X.shape[2] != n_classes:
            raise ValueError(f"X must have shape (n, n_blocks, n_classes={n_classes}): one "
                             f"logit per class and block; got shape {X.shape}.")
        if n_blocks is not None and X.shape[1] != n_blocks:
            raise ValueError(f"X has {X.shape[1]} blocks, but PathWeightClassifier was "
                             f"fitted with {n_blocks}.")
        return X

    def fit(self, X, y):
        """Fit the block weights and class biases; return self."""
        self._validate_params()
        y = column_or_1d(y)
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        y_enc = encoder.transform(y)
        C = len(self.classes_)
        if C < 2:
            raise ValueError(f"y holds a single class ({self.classes_[0]!r}); a classifier "
                             "needs at least 2.")
        blocks = self._check_blocks(X, C)
        if len(blocks) != len(y):
            raise ValueError(f"X holds {len(blocks)} rows but y holds {len(y)} labels.")
        self.n_blocks_ = blocks.shape[1]
        means = blocks.mean(axis=0)
        centred = blocks - means
        n, n_blocks, _ = centred.shape
        spread = np.sqrt(((centred - centred.mean(axis=2, keepdims=True)) ** 2).mean(axis=(0, 2)))
        live = spread > 1e-12 * (1.0 + np.abs(blocks).max())  # not constant up to rounding
        scale = np.where(live, spread, 1.0)
        standard = centred / scale[:, None]  # unit spread; a block without spread stays 0
        onehot = np.eye(C)[y_enc]
        alpha, l1 = float(self.alpha), float(self.l1)

        def objective(theta):
            u, b = theta[:n_blocks], theta[n_blocks:]
            z = np.einsum("npc,p->nc", standard, u) + b
            zc = z - z.mean(axis=1, keepdims=True)
            log_p = log_softmax(z, axis=1)
            loss = (-(onehot * log_p).sum() / n + l1 * u.sum() + alpha * (b @ b)
                    + alpha * (zc * zc).sum() / n)
            dz = (np.exp(log_p) - onehot) / n + 2 * alpha * zc / n
            grad = np.concatenate([np.einsum("nc,npc->p", dz, standard) + l1,
                                   dz.sum(axis=0) + 2 * alpha * b])
            return loss, grad

        start = np.concatenate([live.astype(float), np.zeros(C)])  # unit contribution each
        bounds = [(0.0, float(self.max_contribution) if alive else 0.0) for alive in live] + \
            [(None, None)] * C
        result = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds,
                          options={"maxiter": self.max_iter})
        u, b = result.x[:n_blocks], result.x[n_blocks:]
        w = u / scale
        intercept = b - np.einsum("pc,p->c", means, w)
        self.coef_ = w
        self.contributions_ = u
        self.intercept_ = intercept - intercept.mean()
        self.n_iter_ = int(result.nit)
        return self

    def decision_function(self, X):
        """Combined logits ``(n, n_classes)``."""
        check_is_fitted(self)
        X = self._check_blocks(X, len(self.classes_), self.n_blocks_)
        return np.einsum("npc,p->nc", X, self.coef_) + self.intercept_

    def predict_proba(self, X):
        """Class probabilities, columns following ``classes_``."""
        return softmax(self.decision_function(X), axis=1)

    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`."""
        return log_softmax(self.decision_function(X), axis=1)

    def predict(self, X):
        """Most probable class."""
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags


class _SmallDataStratifiedKFold(StratifiedKFold):
    """Stratified K-fold that lowers ``n_splits`` to the smallest class count (at least 2).

    The inner grid of the logistic baselines runs on training folds, where a rare class
    can have fewer members than ``n_splits``.
    """

    def _k(self, y):
        counts = np.unique(np.asarray(y), return_counts=True)[1]
        return int(max(2, min(self.n_splits, counts.min())))

    def get_n_splits(self, X=None, y=None, groups=None):
        return self.n_splits if y is None else self._k(y)

    def split(self, X, y, groups=None):
        cv = StratifiedKFold(self._k(y), shuffle=self.shuffle, random_state=self.random_state)
        return cv.split(X, y, groups)


def pooled_logistic(modalities, C_grid=(0.01, 0.1, 1.0), inner_cv=3, random_state=0):
    """Logistic regression on segment statistics, with an inner grid over ``C``.

    Pipeline ``SegmentPooler(modalities) -> StandardScaler -> LogisticRegression
    (class_weight="balanced")`` inside a :class:`~sklearn.model_selection.GridSearchCV`
    over ``C`` (inner stratified ``inner_cv``-fold CV, log-loss; fewer folds when
    a class of the training data has fewer than ``inner_cv`` documents): the baseline a
    reviewer asks for, taking segment tensors.

    Examples
    --------
    >>> from sklearn_hilbert.stacking import pooled_logistic
    >>> pooled_logistic(("text",)).param_grid
    {'logisticregression__C': [0.01, 0.1, 1.0]}
    """
    pipe = Pipeline([
        ("segmentpooler", SegmentPooler(modalities=tuple(modalities))),
        ("standardscaler", StandardScaler()),
        ("logisticregression", LogisticRegression(class_weight="balanced", max_iter=2000)),
    ])
    cv = _SmallDataStratifiedKFold(inner_cv, shuffle=True, random_state=random_state)
    return GridSearchCV(pipe, {"logisticregression__C": list(C_grid)}, cv=cv,
                        scoring="neg_log_loss", error_score=np.nan)


def cross_fit_network(network, X, y, folds, n_jobs=None):
    """Clones of ``network``, one fitted on each fold's training documents.

    Every network trains in one call of :func:`~sklearn_hilbert.nn.runs.train_runs`
    (one stack on a GPU).

    Returns
    -------
    list
        The ``len(folds)`` fitted networks, in the order of ``folds``.
    """
    members = [clone(network) for _ in folds]
    runs = [member.prepare_fit(X[train], y[train]) for member, (train, _) in zip(members, folds)]
    nets = iter(train_runs([run for member_runs in runs for run in member_runs], n_jobs=n_jobs))
    for member, member_runs in zip(members, runs):  # the nets come back in the runs' order
        for run in member_runs:
            run.net = next(nets)
        member.finish_fit(member_runs)
    return members


def out_of_fold_paths(networks, X, folds):
    """Out-of-fold path outputs, each fold network's centred on the documents it predicts.

    The paths of a HILBERT network are summed into its output, so the network fixes their
    sum, not each path's offset: two fold networks can put the same constant on different
    paths.  Concatenated across folds, those offsets are noise that a final estimator fits
    (on the segment-level task families they lowered a path's out-of-fold AUC from 0.80-0.90
    to 0.64-0.72, ``docs/decisions.md``).  Each fold network's outputs are therefore shifted
    by their mean over its held-out documents, and :func:`mean_path_outputs` applies the
    same shift at prediction time.

    Returns
    -------
    oof : ndarray of shape (n, n_paths, n_outputs)
        Centred out-of-fold ``path_logits``.
    offsets : ndarray of shape (n_folds, n_paths, n_outputs)
        Each fold network's mean output over its held-out documents.
    """
    logits = [network.path_logits(X[test]) for network, (_, test) in zip(networks, folds)]
    offsets = np.stack([fold_logits.mean(axis=0) for fold_logits in logits])
    oof = np.zeros((len(X),) + logits[0].shape[1:])
    for fold_logits, offset, (_, test) in zip(logits, offsets, folds):
        oof[test] = fold_logits - offset
    return oof, offsets


def mean_path_outputs(networks, offsets, X):
    """Mean over the fold networks of their centred path outputs ``(n, n_paths, n_outputs)``:
    the block the final estimator sees for new documents (see :func:`out_of_fold_paths`)."""
    return np.mean([network.path_logits(X) - offset
                    for network, offset in zip(networks, offsets)], axis=0)


def cross_fit_baselines(named, X, y, folds, n_jobs=None, method="predict"):
    """Out-of-fold predictions of each ``(name, estimator)`` of ``named`` and the estimators
    refitted on all documents.

    Returns
    -------
    blocks : ndarray of shape (n, len(named), n_outputs)
        ``cross_val_predict(..., method=method)`` of each baseline on ``folds``.
    fitted : list
        Clones of the baselines fitted on all of ``X``.
    """
    blocks, fitted = [], []
    for _, baseline in named:
        pred = cross_val_predict(clone(baseline), X, y, cv=folds, n_jobs=n_jobs, method=method)
        blocks.append(np.asarray(pred).reshape(len(X), 1, -1))
        fitted.append(clone(baseline).fit(X, y))
    return np.concatenate(blocks, axis=1), fitted


def default_baselines():
    """The baselines of :class:`HilbertStackingClassifier`: pooled logistic regression on
    the text, the audio, and both (early fusion)."""
    return [("logreg_text", pooled_logistic(("text",))),
            ("logreg_audio", pooled_logistic(("audio",))),
            ("logreg_fusion", pooled_logistic(("audio", "text")))]


class HilbertStackingClassifier(ClassifierMixin, BaseEstimator):
    """Cross-fitted stacking of the extended HILBERT network and pooled logistic baselines.

    For each of ``cv`` folds, the network and every baseline are fitted on the other
    folds and predict the held-out documents, so every training document gets
    out-of-fold logits: one block per path of the network
    (:meth:`HilbertClassifier.path_logits`, each fold network's centred on the
    documents it predicts, :func:`out_of_fold_paths`) and one block of
    log-probabilities per baseline.  ``final_estimator`` is fitted on them.  The
    baselines are then refitted on all training documents; the network is not: for new
    documents its block is the mean of the fold networks' centred paths
    (:func:`mean_path_outputs`), so the final estimator sees the models it was fitted
    on.  Where the network adds nothing to the baselines its weights go to 0, so the
    stack does not fall below the best baseline by more than the noise of its weights.

    Parameters
    ----------
    network : HilbertClassifier or None, default=None
        The network; None is ``HilbertClassifier(**EXTENDED)`` ("HILBERT extended").
        Its ``random_state`` is set from the stack's when it has none.
    baselines : list of (str, classifier) or None, default=None
        Classifiers on segment tensors with ``predict_log_proba``; None is pooled
        logistic regression on text, audio and both (:func:`default_baselines`).
    cv : int or cross-validation splitter, default=5
        The inner folds; an int is a shuffled :class:`~sklearn.model_selection.StratifiedKFold`
        seeded by ``random_state``.  With an int larger than the smallest class, the number
        of folds is lowered to its size, with a warning (``n_splits_``).
    final_estimator : classifier or None, default=None
        Fitted on the out-of-fold blocks ``(n, n_blocks, n_classes)`` (flattened to
        ``(n, n_blocks * n_classes)`` for an estimator that takes 2-D input, such as
        :class:`~sklearn.linear_model.LogisticRegression`); None is
        :class:`PathWeightClassifier`.
    random_state : int, RandomState instance or None, default=None
        Seeds the folds and, where it has none, the network.
    n_jobs : int or None, default=None
        Parallel jobs of the baselines' ``cross_val_predict`` and of the engine.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    networks_ : list of HilbertClassifier
        The network fitted on each fold's training documents (``n_splits_`` of them).
    path_offsets_ : ndarray of shape (n_splits_, n_paths, n_classes)
        Each fold network's mean path logits over the documents it predicted; subtracted
        from its path logits before they reach the final estimator.
    baselines_ : list of classifier
        The baselines refitted on all training documents.
    final_estimator_ : classifier
        The fitted final estimator.
    blocks_ : tuple of str
        The name of each block of the final estimator's input: ``"network"``,
        ``"pooled"``, ``"interactions"`` (the network's paths), then the baselines'.
    weights_ : dict
        Block name -> weight (with :class:`PathWeightClassifier`).
    n_splits_ : int
        Inner folds used.

    Examples
    --------
    >>> from sklearn_hilbert import HilbertClassifier, HilbertStackingClassifier
    >>> from sklearn_hilbert.datasets import make_segment_data
    >>> X, y = make_segment_data(n_docs=60, n_segments=(4, 8), signal="text", random_state=0)
    >>> net = HilbertClassifier(d_model=16, proj_dim=16, max_epochs=2, pooled_head=True)
    >>> stack = HilbertStackingClassifier(net, cv=3, random_state=0).fit(X, y)
    >>> stack.blocks_
    ('network', 'pooled', 'logreg_text', 'logreg_audio', 'logreg_fusion')
    >>> stack.predict_proba(X).shape
    (60, 2)
    """

    def __init__(self, network=None, baselines=None, cv=5, final_estimator=None,
                 random_state=None, n_jobs=None):
        self.network = network
        self.baselines = baselines
        self.cv = cv
        self.final_estimator = final_estimator
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _network(self):
        net = HilbertClassifier(**EXTENDED) if self.network is None else clone(self.network)
        if net.random_state is None:
            net.set_params(random_state=self.random_state)
        return net

    def _splitter(self, y):
        counts = np.bincount(y)
        smallest = int(counts.min())
        if smallest < 2:
            rare = self.classes_[np.argmin(counts)]
            raise ValueError(
                f"class {_label(rare)} has a single training document: cross-fitted stacking "
                "needs at least 2 per class (one to train on, one to predict).")
        if not isinstance(self.cv, (int, np.integer)):
            return check_cv(self.cv, y, classifier=True)
        n_splits = int(self.cv)
        if smallest < n_splits:
            warnings.warn(
                f"The smallest class has {smallest} training documents, fewer than cv="
                f"{n_splits}: HilbertStackingClassifier uses {smallest} folds (n_splits_).",
                UserWarning, stacklevel=3)
            n_splits = smallest
        return StratifiedKFold(n_splits, shuffle=True, random_state=self.random_state)

    def _blocks(self, X):
        blocks = [mean_path_outputs(self.networks_, self.path_offsets_, X)]
        blocks += [np.asarray(b.predict_log_proba(X))[:, None, :] for b in self.baselines_]
        return np.concatenate(blocks, axis=1)

    def fit(self, X, y):
        """Fit the base models out of fold, the final estimator on their predictions, and
        the base models on all documents; return self."""
        X = check_segment_tensors(X)
        y = check_labels(y, len(X))
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        if len(self.classes_) < 2:
            raise ValueError(f"y holds a single class ({self.classes_[0]!r}); a classifier "
                             "needs at least 2.")
        y_enc = encoder.transform(y)
        splitter = self._splitter(y_enc)
        folds = list(splitter.split(np.zeros((len(y_enc), 1)), y_enc))
        self.n_splits_ = len(folds)
        for k, (train, _) in enumerate(folds):
            missing = np.setdiff1d(np.arange(len(self.classes_)), y_enc[train])
            if len(missing):
                raise ValueError(
                    f"The training documents of fold {k} of cv lack the classes "
                    f"{[_label(c) for c in self.classes_[missing]]}; use a stratified splitter.")
        self.networks_ = cross_fit_network(self._network(), X, y, folds, self.n_jobs)
        paths, self.path_offsets_ = out_of_fold_paths(self.networks_, X, folds)
        named = default_baselines() if self.baselines is None else list(self.baselines)
        # log-probability columns follow the sorted classes, as classes_
        baseline_blocks, self.baselines_ = cross_fit_baselines(
            named, X, y, folds, self.n_jobs, method="predict_log_proba")
        oof = np.concatenate([paths, baseline_blocks], axis=1)
        self.blocks_ = tuple(self.networks_[0].paths_) + tuple(name for name, _ in named)
        final = PathWeightClassifier() if self.final_estimator is None else \
            clone(self.final_estimator)
        self.final_estimator_ = final.fit(self._final_input(final, oof), y)
        return self

    @staticmethod
    def _final_input(final, blocks):
        """``blocks (n, n_blocks, n_classes)`` as the final estimator takes them: as they are
        for one that takes 3-D input (:class:`PathWeightClassifier`), else flattened."""
        return blocks if get_tags(final).input_tags.three_d_array else \
            blocks.reshape(len(blocks), -1)

    @property
    def weights_(self):
        """Block name -> weight of the final :class:`PathWeightClassifier`."""
        check_is_fitted(self)
        return dict(zip(self.blocks_, self.final_estimator_.coef_.tolist()))

    def _features(self, X):
        check_is_fitted(self)
        X = check_segment_tensors(X)
        return self._final_input(self.final_estimator_, self._blocks(X))

    def predict_proba(self, X):
        """Class probabilities, columns following ``classes_``."""
        return self.final_estimator_.predict_proba(self._features(X))

    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`."""
        return self.final_estimator_.predict_log_proba(self._features(X))

    def predict(self, X):
        """Most probable class."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def segment_attributions(self, X, target=None):
        """Which segments drove the stack's predictions: occlusion of its final output.

        Each real segment is hidden in turn, in a copy of its document, and the copy
        goes through the whole stack: every path of the network, every pooled baseline
        (whose pooled statistics are recomputed without the segment) and the final
        estimator.  So the attribution is that of what the stack predicts, with each
        block counted at its final weight (a block with weight 0 contributes nothing).

        Parameters
        ----------
        X : mapping
            Segment tensors.
        target : class label, array-like of shape (n,) or None, default=None
            Class whose log-odds are explained, per document (None: the predicted
            class); as in :meth:`HilbertClassifier.segment_attributions`.

        Returns
        -------
        attributions : dict of ndarray of shape (n, S)
            ``L(target) - L(target with the segment hidden)``, ``L`` the stack's
            log-odds ``log p / (1 - p)`` of the target class in nats, for
            ``"segment"`` (the segment removed from the mask; a lone segment is
            replaced by the mean embeddings), ``"audio"`` and ``"text"`` (that
            modality of the segment replaced by the network's training-mean
            embedding, for every block).  Zero on padding.

        Examples
        --------
        >>> from sklearn_hilbert import HilbertClassifier, HilbertStackingClassifier
        >>> from sklearn_hilbert.datasets import make_segment_data
        >>> X, y = make_segment_data(n_docs=40, n_segments=(3, 6), signal="text", random_state=0)
        >>> net = HilbertClassifier(d_model=8, proj_dim=8, max_epochs=2, pooled_head=True)
        >>> stack = HilbertStackingClassifier(net, cv=2, random_state=0).fit(X, y)
        >>> att = stack.segment_attributions(X, target=y)
        >>> sorted(att), att["text"].shape == X["mask"].shape
        (['audio', 'segment', 'text'], True)
        >>> bool((att["segment"][~X["mask"]] == 0).all())
        True
        """
        from .attribution import stack_segment_attributions

        return stack_segment_attributions(self, X, target)

    def modality_contributions(self, X, target=None):
        """How much each modality raised the stack's log-odds of the target (hidden in every
        segment, for every block).

        ``X`` and ``target`` are as in :meth:`segment_attributions`.

        Returns
        -------
        contributions : dict of ndarray of shape (n,)
            ``"audio"``, ``"text"``: ``L(target) - L(target with that modality replaced
            by the network's training-mean embedding in all segments)``, in nats.
        """
        from .attribution import stack_modality_contributions

        return stack_modality_contributions(self, X, target)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.dict = True
        tags.non_deterministic = self.random_state is None
        return tags


def _label(value):
    """A class label as a user wrote it (``'rare'``, ``1``), not numpy's repr."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def pooled_ridge(modalities, alphas=tuple(np.logspace(-2, 4, 13))):
    """Ridge regression on segment statistics, ``alpha`` chosen by efficient leave-one-out.

    Pipeline ``SegmentPooler(modalities) -> StandardScaler -> RidgeCV(alphas)``: the
    regression counterpart of :func:`pooled_logistic`, taking segment tensors.

    Examples
    --------
    >>> from sklearn_hilbert.stacking import pooled_ridge
    >>> pooled_ridge(("text",))[-1].alphas[:2]
    (np.float64(0.01), np.float64(0.03162277660168379))
    """
    return Pipeline([
        ("segmentpooler", SegmentPooler(modalities=tuple(modalities))),
        ("standardscaler", StandardScaler()),
        ("ridgecv", RidgeCV(alphas=tuple(alphas))),
    ])


def default_ridge_baselines():
    """The baselines of :class:`HilbertStackingRegressor`: pooled ridge regression on the
    text, the audio, and both (early fusion)."""
    return [("ridge_text", pooled_ridge(("text",))),
            ("ridge_audio", pooled_ridge(("audio",))),
            ("ridge_fusion", pooled_ridge(("audio", "text")))]


class HilbertStackingRegressor(RegressorMixin, BaseEstimator):
    """Cross-fitted stacking of the extended HILBERT regressor and pooled ridge baselines.

    The regression counterpart of :class:`HilbertStackingClassifier`: on each of ``cv``
    (shuffled) folds the network and every baseline are fitted on the other folds and
    predict the held-out documents; per target, a linear regression with non-negative
    weights (:class:`~sklearn.linear_model.LinearRegression` ``(positive=True)``) is
    fitted on the out-of-fold outputs of each path of the network
    (:meth:`HilbertRegressor.path_logits`, each fold network's centred on the documents
    it predicts, :func:`out_of_fold_paths`) and of each baseline.  The baselines are then
    refitted on all training documents; the network is not: at prediction time its
    paths' outputs are the mean over the ``cv`` fold networks (:func:`mean_path_outputs`),
    the very models whose outputs the final regressions were fitted on (a network
    refitted on all documents trains longer and outputs on another scale: the weights
    fitted out of fold then overshoot, which cost 0.07 R^2 on a segment-level target,
    ``docs/decisions.md``).  A block that adds nothing gets weight 0, so the stack stays
    near the best ridge baseline where the network has nothing to add.

    Parameters
    ----------
    network : HilbertRegressor or None, default=None
        None is ``HilbertRegressor(**EXTENDED)`` ("HILBERT extended"); its
        ``random_state`` is set from the stack's when it has none.
    baselines : list of (str, regressor) or None, default=None
        Regressors on segment tensors; None is pooled ridge on text, audio and both
        (:func:`default_ridge_baselines`).
    cv : int or cross-validation splitter, default=5
        The inner folds; an int is a shuffled :class:`~sklearn.model_selection.KFold`
        seeded by ``random_state``.
    random_state : int, RandomState instance or None, default=None
        Seeds the folds and, where it has none, the network.
    n_jobs : int or None, default=None
        Parallel jobs of the baselines' ``cross_val_predict`` and of the network's fits.

    Attributes
    ----------
    networks_ : list of HilbertRegressor
        The network fitted on each fold's training documents (``n_splits_`` of them).
    path_offsets_ : ndarray of shape (n_splits_, n_paths, n_outputs_)
        Each fold network's mean path outputs over the documents it predicted.
    baselines_ : list of regressor
        The baselines refitted on all training documents.
    final_estimators_ : list of LinearRegression
        One per target, on the blocks ``blocks_``.
    blocks_ : tuple of str
        The network's paths, then the baselines.
    weights_ : ndarray of shape (n_outputs_, n_blocks)
        The non-negative weight of each block, per target.
    n_outputs_ : int
        Number of targets.
    n_splits_ : int
        Inner folds used.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert import HilbertRegressor, HilbertStackingRegressor
    >>> from sklearn_hilbert.datasets import make_segment_data
    >>> X, labels = make_segment_data(n_docs=60, n_segments=(4, 8), signal="text",
    ...                               random_state=0)
    >>> y = labels + np.random.default_rng(0).normal(scale=0.3, size=60)
    >>> net = HilbertRegressor(d_model=16, proj_dim=16, max_epochs=2, pooled_head=True)
    >>> stack = HilbertStackingRegressor(net, cv=3, random_state=0).fit(X, y)
    >>> stack.blocks_
    ('network', 'pooled', 'ridge_text', 'ridge_audio', 'ridge_fusion')
    >>> stack.predict(X).shape, bool((stack.weights_ >= 0).all())
    ((60,), True)
    """

    def __init__(self, network=None, baselines=None, cv=5, random_state=None, n_jobs=None):
        self.network = network
        self.baselines = baselines
        self.cv = cv
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _network(self):
        from .regressor import HilbertRegressor

        net = HilbertRegressor(**EXTENDED) if self.network is None else clone(self.network)
        if net.random_state is None:
            net.set_params(random_state=self.random_state)
        return net

    def fit(self, X, y):
        """Fit the base models out of fold, the non-negative final regressions on their
        outputs, and the baselines on all documents; return self."""
        X = check_segment_tensors(X)
        Y, one_d = check_regression_targets(y, len(X))
        self._one_d, self.n_outputs_ = one_d, Y.shape[1]
        y_fit = Y[:, 0] if one_d else Y
        splitter = (KFold(int(self.cv), shuffle=True, random_state=self.random_state)
                    if isinstance(self.cv, (int, np.integer)) else check_cv(self.cv, y_fit))
        folds = list(splitter.split(np.zeros((len(Y), 1)), y_fit))
        self.n_splits_ = len(folds)
        self.networks_ = cross_fit_network(self._network(), X, y_fit, folds, self.n_jobs)
        paths, self.path_offsets_ = out_of_fold_paths(self.networks_, X, folds)
        named = default_ridge_baselines() if self.baselines is None else list(self.baselines)
        baseline_blocks, self.baselines_ = cross_fit_baselines(named, X, y_fit, folds,
                                                               self.n_jobs)
        oof = np.concatenate([paths, baseline_blocks], axis=1)
        self.blocks_ = tuple(self.networks_[0].paths_) + tuple(name for name, _ in named)
        self.final_estimators_ = [LinearRegression(positive=True).fit(oof[:, :, k], Y[:, k])
                                  for k in range(self.n_outputs_)]
        return self

    @property
    def weights_(self):
        """Per target, the weight of each block (``blocks_``)."""
        check_is_fitted(self)
        return np.array([final.coef_ for final in self.final_estimators_])

    def predict(self, X):
        """Predicted scores: ``(n,)`` for a 1-D training ``y``, else ``(n, n_outputs_)``."""
        check_is_fitted(self)
        X = check_segment_tensors(X)
        blocks = [mean_path_outputs(self.networks_, self.path_offsets_, X)]
        blocks += [np.asarray(b.predict(X)).reshape(len(X), 1, -1) for b in self.baselines_]
        blocks = np.concatenate(blocks, axis=1)
        pred = np.column_stack([final.predict(blocks[:, :, k])
                                for k, final in enumerate(self.final_estimators_)])
        return pred[:, 0] if self._one_d else pred

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.dict = True
        tags.target_tags.multi_output = True
        tags.non_deterministic = self.random_state is None
        return tags
