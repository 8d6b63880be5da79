"""``HilbertClassifier``: the HILBERT network as a scikit-learn classifier, and ``EXTENDED``."""

import numpy as np
import torch
from sklearn.base import ClassifierMixin

from ._base import BaseHilbert
from ._hyperparameters import CLASSIFIER_CONSTRAINTS
from ._training_set import classification_set, encode_classes
from .attribution import SegmentAttributionMixin

#: This package's extensions of the paper's network, by parameter:
#: ``HilbertClassifier(**EXTENDED)`` is "HILBERT extended".  Each one is a documented
#: parameter of :class:`HilbertClassifier` whose effect ``docs/model.md`` reports; none of
#: them is in the paper.
EXTENDED = {
    "segment_dropout": 0.5,
    "segment_fusion": True,
    "pooled_head": True,
    "segment_interactions": 16,
    "cka": "debiased",
    "mi_form": "lift",
}


class HilbertClassifier(SegmentAttributionMixin, ClassifierMixin, BaseHilbert):
    """HILBERT: attention over segments, joint-centric contrastive alignment, MoE head.

    Takes the segment tensors of :class:`~sklearn_hilbert.FrozenEncoderTransformer`
    (``audio (n, S, d_a)``, ``text (n, S, d_t)``, ``mask (n, S)``) and trains the
    HILBERT network (a skorch net, kept as ``net_``) with the total loss
    ``CE + lambda_contrastive L_con + lambda_cka L_cka + lambda_mi L_mi +
    lambda_balance L_balance``.  See ``docs/model.md`` for the formulas.

    With its defaults this is the paper's HILBERT: its architecture (attention
    pooling per modality, cross-modal joint encoder, shared projector of width 128,
    MoE of 8 experts of (32, 32), head 32-16) and its losses (joint-centric dual
    contrastive loss, linear CKA, ``|I(j; a) - I(j; t)|``), and none of this
    package's extensions.  Where the paper does not fix a setting (width, heads,
    dropout, temperature, loss weights, optimiser, epochs, batch, input
    standardisation), the docstring says so.  ``HilbertClassifier(**EXTENDED)`` turns
    on the extensions (:data:`sklearn_hilbert.EXTENDED`); each is a parameter below
    marked "not in the paper".

    Parameters
    ----------
    d_model : int, default=64
        Width of the attention layers (the paper does not fix it).  64 costs less than
        half the time of 128 and measured the same AUC on selection data (the paper's
        network, the extended one and the stack; ``docs/decisions.md``).
    n_heads : int, default=4
        Attention heads; must divide ``d_model`` (the paper does not fix it).
    proj_dim : int, default=128
        Width of the shared L2-normalised projector used by the auxiliary losses
        (the paper's 128).
    n_experts : int, default=8
        Experts of the Mixture-of-Experts head (``head="moe"``; the paper's 8).
    expert_hidden : tuple of int, default=(32, 32)
        Hidden sizes of each expert (and of the ``head="mlp"`` replacement; the paper's).
    head_hidden : tuple of int, default=(32, 16)
        Hidden sizes of the classification MLP after the experts (the paper's).
    dropout : float, default=0.1
        Dropout rate throughout the network (the paper does not fix it).
    segment_dropout : float in [0, 1), default=0.0
        Training only: each real segment is hidden with this probability at every
        step (a document keeps at least one), against memorising whole documents
        (not in the paper; 0.5 in ``EXTENDED``).  Predictions use every segment.
    standardize : bool, default=True
        Standardise each segment feature with the mean and std of the real training
        segments: frozen encoders emit features on very different scales (log-mel
        energies next to their deltas), and the largest would drown the rest (the
        paper does not say how it scales its inputs).
    segment_fusion : bool, default=False
        Add a mean-pooled MLP of each segment's ``[audio; text]`` to ``h_j`` (not in the
        paper; on in ``EXTENDED``).
    pooled_head : bool, default=False
        Add a linear map of pooled segment means and stds to the logits (not in the
        paper; on in ``EXTENDED``).
    segment_interactions : int, default=0
        Rank of a path that adds to the logits the share of segments in which
        an audio detector and a text detector fire together (features centred
        on their document; not in the paper; 16 in ``EXTENDED``; 0 turns it off; see
        :class:`~sklearn_hilbert.nn.side_paths.SegmentInteractions`).
    segment_order : bool, default=False
        With ``segment_interactions``, one more path of that rank: how much more often
        an audio pattern comes before a text pattern than after (not in the paper, off
        in ``EXTENDED``; :class:`~sklearn_hilbert.nn.side_paths.SegmentOrder`).
    temperature : float, default=0.5
        Temperature ``tau`` of the contrastive losses and the InfoNCE critic (the paper
        does not give its value).
    contrastive : {"dual", "pairwise"} or None, default="dual"
        ``"dual"``: joint-centric dual contrastive loss (HILBERT);
        ``"pairwise"``: CLIP-style audio-text InfoNCE; None: no contrastive term.
    head : {"moe", "mlp"}, default="moe"
        Mixture of Experts or a single MLP of the same width.
    lambda_contrastive : float, default=0.1
        Weight of the contrastive term (the paper does not give its loss weights).
    lambda_cka : float, default=0.1
        Weight of the CKA alignment term.
    cka : {"linear", "debiased"}, default="linear"
        The paper's linear CKA (biased at small batches) or CKA from unbiased HSIC
        (not in the paper; ``EXTENDED``).
    lambda_mi : float, default=0.1
        Weight of the mutual-information balance term.
    mi_form : {"abs", "lift"}, default="abs"
        The paper's ``|I(j; a) - I(j; t)|`` or its form that only raises the lagging
        modality (not in the paper; ``EXTENDED``; :func:`~sklearn_hilbert.nn.mi_balance_loss`).
    lambda_balance : float, default=0.01
        Weight of the MoE load-balancing term (a common MoE regulariser the paper does
        not mention; 0 turns it off).
    max_epochs : int, default=40
        Training epochs (an upper bound with early stopping; the paper does not fix it).
    lr : float, default=2e-3
        AdamW learning rate (the paper does not fix the optimiser).
    batch_size : int, default=32
        Documents per batch.  The last, shorter training batch is dropped
        (the auxiliary losses need negatives); a training set smaller than
        ``batch_size`` is one batch.
    weight_decay : float, default=1e-4
        AdamW weight decay.
    max_grad_norm : float or None, default=None
        Clip the gradient norm of every step at this value; None does not clip.
    class_weight : "balanced", dict or None, default="balanced"
        Weights of the cross-entropy per class.
    prior_correction : bool, default=True
        Undo class weighting and resampling: :meth:`predict_proba` estimates
        ``P(class | x)`` at the training documents' class frequencies (logits +
        ``prior_shift_``).  False keeps the weighted loss's balanced prior.
    sampler : imbalanced-learn sampler or None, default=None
        A sampler that selects existing documents (e.g. ``RandomOverSampler``,
        ``RandomUnderSampler``), applied to document indices before training.
    validation_fraction : float or None, default=None
        Fraction of the training documents held out (stratified) for early
        stopping on the validation cross-entropy.  None trains for ``max_epochs``.
    patience : int, default=10
        Epochs without improvement of ``valid_ce`` before stopping; the best
        epoch's weights are restored.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling, dropout and the validation
        split.  With an int, ``fit`` is reproducible bit for bit on CPU.
    n_seeds : int, default=1
        Networks from that many seeds (the first from ``random_state``), trained
        together in one stack on CUDA (:mod:`sklearn_hilbert.model_selection`);
        ``predict_proba`` averages their probabilities; ``net_``, ``history_``,
        ``embed`` and ``attention_weights`` are the first network's.
    device : str, default="cpu"
        Torch device.  A CUDA device on a machine without CUDA falls back to
        the CPU with a warning (``device_`` is the device used).
    verbose : int, default=0
        skorch's per-epoch log when > 0.
    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, in the column order of :meth:`predict_proba`.
    net_ : skorch.NeuralNet
        The trained skorch net (module in ``net_.module_``); ``nets_``: all ``n_seeds``.
    history_ : skorch.History
        Per-epoch ``train_loss`` and each term ``train_ce``, ``train_contrastive``,
        ``train_cka``, ``train_mi``, ``train_balance`` (and ``valid_*``).
    n_features_audio_, n_features_text_ : int
        Segment embedding widths seen in ``fit``.
    n_epochs_ : int
        Epochs actually trained.
    device_ : str
        Device the network was trained on.
    prior_shift_ : ndarray of shape (n_classes,)
        Offsets added to the logits (zeros unless ``prior_correction``).
    paths_ : tuple of str
        The logit paths whose sum is the network's output, in the order of
        :meth:`path_logits`: ``"network"`` (the paper's head), then ``"pooled"``,
        ``"interactions"`` and ``"order"`` where those extensions are on.

    See Also
    --------
    sklearn_hilbert.HilbertStackingClassifier : the extended network stacked with the
        pooled logistic baseline.
    sklearn_hilbert.SegmentPooler : pooled features for logistic baselines.
    sklearn_hilbert.experiments.ablation.ABLATIONS : parameters of the paper's ablations.

    Examples
    --------
    >>> from sklearn_hilbert import HilbertClassifier
    >>> from sklearn_hilbert.datasets import make_segment_data
    >>> X, y = make_segment_data(n_docs=60, n_segments=(4, 8), random_state=0)
    >>> clf = HilbertClassifier(d_model=16, proj_dim=16, max_epochs=2, random_state=0)
    >>> clf.fit(X, y).predict_proba(X).shape
    (60, 2)
    >>> len(clf.history_[:, "train_cka"])  # every loss term, once per epoch
    2
    >>> from sklearn_hilbert import EXTENDED
    >>> HilbertClassifier(**EXTENDED).segment_interactions  # "HILBERT extended"
    16
    """

    _parameter_constraints = CLASSIFIER_CONSTRAINTS
    _objective = "cross_entropy"

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
        class_weight="balanced",
        prior_correction=True,
        sampler=None,
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
        self.class_weight = class_weight
        self.prior_correction = prior_correction
        self.sampler = sampler
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.random_state = random_state
        self.n_seeds = n_seeds
        self.device = device
        self.verbose = verbose
        self.callbacks = callbacks

    # ------------------------------------------------------------------ fit
    def _targets(self, y, n_docs):
        self.classes_, y_enc = encode_classes(y, n_docs)
        return y_enc

    def _n_outputs(self):
        return len(self.classes_)

    def _training_set(self, X, y_enc, seed):
        return classification_set(
            X, y_enc, len(self.classes_), seed, validation_fraction=self.validation_fraction,
            sampler=self.sampler, class_weight=self.class_weight, classes=self.classes_)

    def _keep_training_set(self, data):
        shift = data.prior_shift
        self.prior_shift_ = shift if self.prior_correction else np.zeros_like(shift)

    def fit(self, X, y):
        """Train the network on segment tensors.

        Parameters
        ----------
        X : mapping
            Segment tensors: ``audio (n, S, d_a)``, ``text (n, S, d_t)``, ``mask (n, S)``.
        y : array-like of shape (n,)
            Document labels (any hashable labels; at least two classes).

        Returns
        -------
        self : HilbertClassifier
        """
        return super().fit(X, y)

    # -------------------------------------------------------------- predict
    def _logits(self, X):
        """Logits ``(n_nets, n, n_classes)`` in float64 on the CPU, plus ``prior_shift_``."""
        return self._raw_outputs(X) + torch.as_tensor(self.prior_shift_, dtype=torch.float64)

    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : mapping
            Segment tensors.

        Returns
        -------
        proba : ndarray of shape (n, n_classes)
        """
        return torch.softmax(self._logits(X), dim=2).mean(dim=0).numpy()

    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`."""
        log_p = torch.log_softmax(self._logits(X), dim=2)
        return (torch.logsumexp(log_p, dim=0) - np.log(len(log_p))).numpy()

    def decision_function(self, X):
        """Logits ``(n, n_classes)`` (two classes: the difference ``(n,)``); mean over nets."""
        logits = self._logits(X).mean(dim=0).numpy()
        return logits[:, 1] - logits[:, 0] if logits.shape[1] == 2 else logits

    def predict(self, X):
        """Most probable class of each document."""
        proba = self.predict_proba(X)  # checks fitted first
        return self.classes_[np.argmax(proba, axis=1)]
