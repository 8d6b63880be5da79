"""``BaseHilbert``: what :class:`~sklearn_hilbert.HilbertClassifier` and
:class:`~sklearn_hilbert.HilbertRegressor` share.

One network (:class:`~sklearn_hilbert.nn.HilbertModule`), one loss
(:class:`~sklearn_hilbert.nn.HilbertLoss`), one training loop (skorch, or the
stacked engine of :mod:`sklearn_hilbert.nn.runs`); the subclasses say what the
targets are (:meth:`BaseHilbert._targets`), how a training set is drawn from
them (:meth:`BaseHilbert._training_set`) and what the outputs mean.

``fit`` is two public halves, so that many fits can train together:
:meth:`BaseHilbert.prepare_fit` checks the inputs, sets the data-dependent
fitted attributes and returns one :class:`~sklearn_hilbert.nn.runs.TrainingRun`
per seed; :meth:`BaseHilbert.finish_fit` takes the trained runs back.  Each
estimator sets its own fitted attributes; nothing else does.
"""

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._hyperparameters import check_network_shapes
from ._training_set import input_stats
from ._validation import check_segment_tensors, n_features_of
from .attribution import NetworkInspectionMixin
from .nn.net import make_net
from .nn.runs import TrainingRun, train_runs
from .nn.training import resolve_device, seed_list, seeded


class BaseHilbert(NetworkInspectionMixin, BaseEstimator):
    """Base class of the HILBERT estimators (not for direct use).

    Subclasses define ``__init__`` (their full parameter list),
    ``_parameter_constraints``, ``_objective`` (the loss's task term),
    :meth:`_targets`, :meth:`_training_set` and :meth:`_n_outputs`.
    """

    _objective = "cross_entropy"

    # ------------------------------------------------------------- subclass hooks
    def _targets(self, y, n_docs):
        """Check ``y``; set the fitted attributes it determines; return the encoded targets."""
        raise NotImplementedError

    def _training_set(self, X, y, seed):
        """The training set of one network: Bunch ``X, y, valid, class_weight``."""
        raise NotImplementedError

    def _n_outputs(self):
        raise NotImplementedError

    def _keep_training_set(self, data):
        """Set the fitted attributes the first seed's training set determines (default: none)."""

    # -------------------------------------------------------------------- fit
    def _build_net(self, n_train, class_weight, valid_dataset, input_stats):
        project = bool(self.contrastive and self.lambda_contrastive) or bool(
            self.lambda_cka or self.lambda_mi
        )
        module_params = dict(
            d_audio=self.n_features_audio_, d_text=self.n_features_text_,
            n_outputs=self._n_outputs(), d_model=self.d_model, n_heads=self.n_heads,
            proj_dim=self.proj_dim, n_experts=self.n_experts,
            expert_hidden=tuple(self.expert_hidden), head_hidden=tuple(self.head_hidden),
            head=self.head, dropout=self.dropout, segment_dropout=self.segment_dropout,
            project=project, input_stats=input_stats, segment_fusion=self.segment_fusion,
            pooled_head=self.pooled_head, segment_interactions=self.segment_interactions,
            segment_order=self.segment_order,
        )
        loss_params = dict(
            weight=class_weight, contrastive=self.contrastive, temperature=self.temperature,
            lambda_contrastive=self.lambda_contrastive, lambda_cka=self.lambda_cka,
            lambda_mi=self.lambda_mi, cka=self.cka, mi_form=self.mi_form,
            lambda_balance=self.lambda_balance if self.head == "moe" else 0.0,
            objective=self._objective,
        )
        return make_net(
            module_params, loss_params, lr=self.lr, weight_decay=self.weight_decay,
            max_epochs=self.max_epochs, batch_size=self.batch_size, n_train=n_train,
            valid_dataset=valid_dataset, patience=self.patience, callbacks=self.callbacks,
            device=self.device_, verbose=self.verbose, max_grad_norm=self.max_grad_norm,
        )

    def prepare_fit(self, X, y):
        """The first half of :meth:`fit`: check, set the data's fitted attributes, build nets.

        ``fit(X, y)`` is ``runs = prepare_fit(X, y)``, training the runs
        (:func:`sklearn_hilbert.nn.runs.train_runs`), ``finish_fit(runs)``.  Split
        in two so that many fits (folds, candidates, seeds) can train together in
        one stacked network (:func:`sklearn_hilbert.model_selection.fit_models`).

        Parameters
        ----------
        X : mapping
            Segment tensors: ``audio (n, S, d_a)``, ``text (n, S, d_t)``, ``mask (n, S)``.
        y : array-like
            Targets, as :meth:`fit` takes them.

        Returns
        -------
        runs : list of TrainingRun
            One per seed (``n_seeds``), each with its initialised net.
        """
        self._validate_params()
        check_network_shapes(self)
        X = check_segment_tensors(X)
        y_enc = self._targets(y, len(X))
        dims = n_features_of(X)
        self.n_features_audio_, self.n_features_text_ = dims["audio"], dims["text"]
        self.device_ = resolve_device(self.device)
        stackable = self.validation_fraction is None and not self.callbacks
        runs = []
        for random_state in seed_list(self.random_state, self.n_seeds):
            seed = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
            data = self._training_set(X, y_enc, seed)
            stats = input_stats(data.X) if self.standardize else None
            with seeded(seed, self.device_):  # the initial weights of a plain fit
                net = self._build_net(len(data.y), data.class_weight, data.valid, stats)
                net.initialize()
                state = torch.random.get_rng_state()
            runs.append(TrainingRun(net, data.X, data.y, seed, state, stackable=stackable))
            if len(runs) == 1:
                self._keep_training_set(data)
        return runs

    def finish_fit(self, runs):
        """The second half of :meth:`fit`: keep the trained nets of :meth:`prepare_fit`'s runs.

        Parameters
        ----------
        runs : list of TrainingRun
            The runs :meth:`prepare_fit` returned, trained.

        Returns
        -------
        self
        """
        nets = [run.net for run in runs]
        self.paths_ = tuple(nets[0].module_.paths)
        self.net_, self.nets_ = nets[0], nets
        self.history_ = nets[0].history
        self.n_epochs_ = len(nets[0].history)
        return self

    def fit(self, X, y):
        """Train the network on segment tensors.

        Parameters
        ----------
        X : mapping
            Segment tensors: ``audio (n, S, d_a)``, ``text (n, S, d_t)``, ``mask (n, S)``.
        y : array-like
            One target per document (see the class docstring).

        Returns
        -------
        self
        """
        runs = self.prepare_fit(X, y)
        train_runs(runs)
        return self.finish_fit(runs)

    # ---------------------------------------------------------------- predict
    def _check_X(self, X):
        check_is_fitted(self, "net_")
        X = check_segment_tensors(X)
        dims = n_features_of(X)
        fitted = {"audio": self.n_features_audio_, "text": self.n_features_text_}
        for key, d in dims.items():
            if d != fitted[key]:
                raise ValueError(
                    f"X['{key}'] has {d} features per segment, but {type(self).__name__} was "
                    f"fitted with {fitted[key]} (different encoder between fit and predict?)."
                )
        return X

    def _forward(self, X, net=None):
        """Yield ``(outputs, representations)`` per inference batch, eval mode."""
        X = self._check_X(X)
        net = self.net_ if net is None else net
        net.module_.eval()
        # torch's DataLoader draws a seed from the global generator: leave the caller's alone
        with seeded(0, self.device_), torch.inference_mode():
            yield from net.forward_iter(X, training=False)

    def _raw_outputs(self, X, key=None):
        """Per net, the network's outputs (``key=None``) or ``representations[key]``,
        float64 on the CPU: ``(n_nets, n, ...)``."""
        check_is_fitted(self, "net_")
        return torch.stack([
            torch.cat([o[0] if key is None else o[1][key]
                       for o in self._forward(X, net)]).double().cpu()
            for net in self.nets_])

    def path_logits(self, X):
        """The outputs of each path of the network, before they are summed.

        The network's output is the sum of its paths' outputs (``paths_``: the
        paper's head, then the extensions' paths).
        :class:`~sklearn_hilbert.HilbertStackingClassifier` weighs these paths.

        Parameters
        ----------
        X : mapping
            Segment tensors.

        Returns
        -------
        path_logits : ndarray of shape (n, n_paths, n_outputs)
            float64, mean over the ``n_seeds`` networks; the sum over paths is the
            network's output (a classifier adds ``prior_shift_``).
        """
        return self._raw_outputs(X, "path_logits").mean(dim=0).numpy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.dict = True
        tags.non_deterministic = self.random_state is None
        return tags
