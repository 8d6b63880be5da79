"""``HilbertRegressor``: the HILBERT network predicting scores (one or several per document)."""

import numpy as np
from sklearn.base import RegressorMixin

from ._base import BaseHilbert
from ._hyperparameters import REGRESSOR_CONSTRAINTS
from ._training_set import check_regression_targets, validation_split


class HilbertRegressor(RegressorMixin, BaseHilbert):
    """HILBERT for scores: the same network and auxiliary losses, a regression head.

    Takes the segment tensors of :class:`~sklearn_hilbert.FrozenEncoderTransformer`
    and one score per document (``y`` of shape ``(n,)``) or several (``(n, k)``,
    e.g. the items of a questionnaire).  The network, its auxiliary losses and
    every default are those of :class:`~sklearn_hilbert.HilbertClassifier` (the
    paper's HILBERT; ``HilbertRegressor(**EXTENDED)`` is the extended network):
    the Mixture-of-Experts head feeds one output per target instead of one logit
    per class, and the task term of the loss is the squared error (or the Huber
    loss) of the targets standardised inside ``fit`` (each target's training mean
    and standard deviation), so that the auxiliary losses' weights mean the same
    for a 0-24 score as for a 0-1 one.  Predictions are in the targets' units.

    Parameters
    ----------
    d_model, n_heads, proj_dim, n_experts, expert_hidden, head_hidden, dropout, \
segment_dropout, standardize, segment_fusion, pooled_head, segment_interactions, \
segment_order, temperature, contrastive, head, lambda_contrastive, lambda_cka, cka, \
lambda_mi, mi_form, lambda_balance, max_epochs, lr, batch_size, weight_decay, \
max_grad_norm : see :class:`~sklearn_hilbert.HilbertClassifier`
        The network and its losses: the same parameters, with the same defaults and
        meanings (which of them the paper fixes is said there).
    loss : {"squared_error", "huber"}, default="squared_error"
        The task term on the standardised targets: mean squared error, or the Huber
        loss with ``delta = 1`` (one standard deviation), which bounds the pull of
        outlying scores.  ``docs/benchmarks.md`` compares the two.
    validation_fraction : float or None, default=None
        Fraction of the training documents held out (at random) for early
        stopping on the validation task term (``valid_mse`` or ``valid_huber``).
        None trains for ``max_epochs``.
    patience : int, default=10
        Epochs without improvement of the validation task term before stopping;
        the best epoch's weights are restored.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling, dropout and the validation
        split.  With an int, ``fit`` is reproducible bit for bit on CPU.
    n_seeds : int, default=1
        Networks from that many seeds, trained together in one stack on CUDA;
        :meth:`predict` averages their predictions.
    device : str, default="cpu"
        Torch device (falls back to the CPU with a warning where CUDA is absent).
    verbose : int, default=0
        skorch's per-epoch log when > 0.
    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks.

    Attributes
    ----------
    n_outputs_ : int
        Number of targets.
    target_mean_, target_scale_ : ndarray of shape (n_outputs_,)
        The training targets' mean and standard deviation (1 for a constant target):
        the network predicts ``(y - target_mean_) / target_scale_``.
    net_ : skorch.NeuralNet
        The trained skorch net; ``nets_``: all ``n_seeds``.
    history_ : skorch.History
        Per-epoch ``train_loss`` and each term: ``train_mse`` (or ``train_huber``),
        ``train_contrastive``, ``train_cka``, ``train_mi``, ``train_balance``.
    n_features_audio_, n_features_text_ : int
        Segment embedding widths seen in ``fit``.
    n_epochs_ : int
        Epochs actually trained.
    device_ : str
        Device the network was trained on.
    paths_ : tuple of str
        The output paths whose sum is the network's output (:meth:`path_logits`).

    See Also
    --------
    sklearn_hilbert.HilbertClassifier : the same network for classes.
    sklearn_hilbert.HilbertStackingRegressor : stacked with pooled ridge regression.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_hilbert import HilbertRegressor
    >>> from sklearn_hilbert.datasets import make_segment_data
    >>> X, labels = make_segment_data(n_docs=60, n_segments=(4, 8), random_state=0)
    >>> y = 10 * labels + np.random.default_rng(0).normal(size=60)  # a score
    >>> reg = HilbertRegressor(d_model=16, proj_dim=16, max_epochs=2, random_state=0)
    >>> reg.fit(X, y).predict(X).shape
    (60,)
    >>> reg.fit(X, np.c_[y, -y]).predict(X).shape  # two targets
    (60, 2)
    >>> "train_mse" in reg.history_[-1]
    True
    """

    _parameter_constraints = REGRESSOR_CONSTRAINTS

    def __init__(
        self,
        d_model=64,
        n_heads=4,
        proj_dim=128,
        n_experts=8,
        expert_hidden=(32, 32),
        head_hidden=(32, 16),
        dropout=0.1,
        segment_dropout=0.0,
        standardize=True,
        segment_fusion=False,
        pooled_head=False,
        segment_interactions=0,
        segment_order=False,
        temperature=0.5,
        contrastive="dual",
        head="moe",
        lambda_contrastive=0.1,
        lambda_cka=0.1,
        cka="linear",
        lambda_mi=0.1,
        mi_form="abs",
        lambda_balance=0.01,
        max_epochs=40,
        lr=2e-3,
        batch_size=32,
        weight_decay=1e-4,
        max_grad_norm=None,
        loss="squared_error",
        validation_fraction=None,
        patience=10,
        random_state=None,
        n_seeds=1,
        device="cpu",
        verbose=0,
        callbacks=None,
    ):
        self.d_model = d_model
        self.n_heads = n_heads
        self.proj_dim = proj_dim
        self.n_experts = n_experts
        self.expert_hidden = expert_hidden
        self.head_hidden = head_hidden
        self.dropout = dropout
        self.segment_dropout = segment_dropout
        self.standardize = standardize
        self.segment_fusion = segment_fusion
        self.pooled_head = pooled_head
        self.segment_interactions = segment_interactions
        self.segment_order = segment_order
        self.temperature = temperature
        self.contrastive = contrastive
        self.head = head
        self.lambda_contrastive = lambda_contrastive
        self.lambda_cka = lambda_cka
        self.cka = cka
        self.lambda_mi = lambda_mi
        self.mi_form = mi_form
        self.lambda_balance = lambda_balance
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.weight_decay = weight_decay
        self.max_grad_norm = max_grad_norm
        self.loss = loss
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.random_state = random_state
        self.n_seeds = n_seeds
        self.device = device
        self.verbose = verbose
        self.callbacks = callbacks

    @property
    def _objective(self):
        return self.loss  # the task term of HilbertLoss

    # ------------------------------------------------------------------ fit
    def _targets(self, y, n_docs):
        y, self._one_d = check_regression_targets(y, n_docs)
        self.n_outputs_ = y.shape[1]
        self.target_mean_ = y.mean(axis=0)
        scale = y.std(axis=0)
        self.target_scale_ = np.where(scale > 1e-12, scale, 1.0)
        return ((y - self.target_mean_) / self.target_scale_).astype(np.float32)

    def _n_outputs(self):
        return self.n_outputs_

    def _training_set(self, X, y, seed):
        from sklearn.utils import Bunch

        X_fit, y_fit, valid = validation_split(self.validation_fraction, X, y, seed,
                                               stratify=False)
        return Bunch(X=X_fit, y=y_fit, valid=valid, class_weight=None)

    def fit(self, X, y):
        """Train the network on segment tensors.

        Parameters
        ----------
        X : mapping
            Segment tensors: ``audio (n, S, d_a)``, ``text (n, S, d_t)``, ``mask (n, S)``.
        y : array-like of shape (n,) or (n, n_outputs)
            Scores, finite.

        Returns
        -------
        self : HilbertRegressor
        """
        return super().fit(X, y)

    # -------------------------------------------------------------- predict
    def predict(self, X):
        """Predicted scores, in the targets' units; mean over the ``n_seeds`` networks.

        Parameters
        ----------
        X : mapping
            Segment tensors.

        Returns
        -------
        y_pred : ndarray of shape (n,) or (n, n_outputs)
            1-D when ``fit`` was given a 1-D ``y``.
        """
        outputs = self._raw_outputs(X).mean(dim=0).numpy()
        y_pred = outputs * self.target_scale_ + self.target_mean_
        return y_pred[:, 0] if self._one_d else y_pred

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
