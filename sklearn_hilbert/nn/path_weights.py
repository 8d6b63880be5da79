"""Weigh the network's logit paths on documents held out of training (stacking).

:class:`~sklearn_hilbert.nn.HilbertModule` sums the logits of several
paths: the attention network's head, the pooled-statistics head, the
segment-interaction and order paths and the logistic path
(:mod:`~sklearn_hilbert.nn.logistic_path`).  Trained together on a few hundred documents, the
attention network can memorise its training documents: on a task it cannot
learn, its logits on new documents are then large and random, and they drown
a side path that has learned the task.  Which path to trust can only be seen on
documents the network has not trained on; :func:`fit_path_weights` fits one
non-negative weight per path there, by class-weighted cross-entropy (the
training objective), the way stacking fits a combiner on out-of-sample
predictions.  :func:`fit_paths` is what a fit runs after training.
"""

import numpy as np
import torch
from torch.nn import functional as F

from .logistic_path import fit_logistic_path
from .training import seeded

#: Largest weight a path can get (a guard against one held-out document deciding a scale).
MAX_WEIGHT = 50.0
#: L2 penalty on the class biases (a few held-out documents per class must not set them alone).
BIAS_PENALTY = 1e-2
#: L2 penalty on the combined logits (centred over classes, mean over documents): it makes
#: the weights unique where the cross-entropy is flat, and a path whose scale the held-out
#: documents barely support is not blown up.
LOGIT_PENALTY = 1e-2
#: A tested path (``weigh_net_paths(tested=...)``) is kept when twice the drop in held-out
#: negative log-likelihood it brings exceeds this: the 95 % quantile of chi-squared with one
#: degree of freedom (one more weight), a likelihood-ratio test at alpha = 0.05.
LR_TEST_CRITICAL = 3.841


def fit_path_weights(path_logits, y, class_weight=None, offset=None, max_iter=100):
    """Non-negative path weights and class biases minimising the cross-entropy of
    ``sum_p w_p logits_p + b``.

    A path's logits carry their own class offsets, learnt next to the other paths.
    Each path's logits are centred on their mean over the documents before the fit,
    so a weight scales only what varies between documents and the class biases
    ``b`` take every path's offsets: adding a constant to a path's logits changes
    nothing.  (Before this, a path of small but informative logits and large
    offsets could not be scaled up without its offsets: on 120 documents the
    segment-interaction path's weight fell to about 0 where it alone scored
    0.79-0.86 AUC; ``docs/model.md``.)

    Parameters
    ----------
    path_logits : Tensor of shape (n, n_paths, n_classes)
        Each held-out document's logits from each path.
    y : Tensor of shape (n,)
        Encoded labels of the held-out documents.
    class_weight : Tensor of shape (n_classes,) or None, default=None
        Class weights of the cross-entropy.
    offset : Tensor of shape (n_classes,) or None, default=None
        Fixed logit offsets added before the cross-entropy (the classifier's
        ``prior_shift_``: the weights are then fitted to the probabilities
        ``predict_proba`` returns).
    max_iter : int, default=100
        L-BFGS iterations.

    Returns
    -------
    weights : Tensor of shape (n_paths,)
        Weights in ``[0, MAX_WEIGHT]``, float32.
    bias : Tensor of shape (n_classes,)
        Class biases (mean zero), float32.

    Examples
    --------
    A path that predicts the held-out labels keeps its weight; a path of noise
    that is confident anyway loses it:

    >>> import torch
    >>> from sklearn_hilbert.nn.path_weights import fit_path_weights
    >>> g = torch.Generator().manual_seed(0)
    >>> y = torch.arange(60) % 3
    >>> useful = 2.0 * F.one_hot(y, 3).float() + torch.randn(60, 3, generator=g)
    >>> noise = 5.0 * torch.randn(60, 3, generator=g)
    >>> w, b = fit_path_weights(torch.stack([noise, useful], dim=1), y)
    >>> bool(w[0] < 0.05), bool(w[1] > 0.5)
    (True, True)
    """
    path_logits = path_logits.detach().double()
    centre = path_logits.mean(dim=0)  # (n_paths, n_classes): each path's own offsets
    path_logits = path_logits - centre
    weight = None if class_weight is None else torch.as_tensor(class_weight).double()
    offset = 0.0 if offset is None else torch.as_tensor(offset).double()
    # w = MAX_WEIGHT * sigmoid(theta): non-negative and bounded; theta = 0 is far from 1, so
    # start at w = 1
    start = torch.logit(torch.tensor(1.0 / MAX_WEIGHT, dtype=torch.float64))
    theta = torch.full((path_logits.shape[1],), float(start), dtype=torch.float64,
                       requires_grad=True)
    bias = torch.zeros(path_logits.shape[2], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([theta, bias], max_iter=max_iter,
                                  line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        w = MAX_WEIGHT * torch.sigmoid(theta)
        combined = torch.einsum("npc,p->nc", path_logits, w) + bias
        centred = combined - combined.mean(dim=1, keepdim=True)
        loss = (F.cross_entropy(combined + offset, y, weight=weight)
                + BIAS_PENALTY * bias.square().sum()
                + LOGIT_PENALTY * centred.square().sum(dim=1).mean())
        loss.backward()
        return loss

    optimizer.step(closure)
    weights = (MAX_WEIGHT * torch.sigmoid(theta)).detach()
    bias = bias.detach() - torch.einsum("pc,p->c", centre, weights)  # for uncentred logits
    return weights.float(), (bias - bias.mean()).float()


def held_out_nll(path_logits, y, weights, bias, class_weight=None, offset=None):
    """Summed (class-weighted) negative log-likelihood of the combined paths, in nats."""
    combined = torch.einsum("npc,p->nc", path_logits.double(), weights.double()) + bias.double()
    if offset is not None:
        combined = combined + torch.as_tensor(offset).double()
    weight = None if class_weight is None else torch.as_tensor(class_weight).double()
    return float(F.cross_entropy(combined, y, weight=weight, reduction="sum"))


def weigh_net_paths(net, X, y, class_weight=None, offset=None, device="cpu", tested=()):
    """Fit the path weights of a fitted skorch ``net`` on held-out documents, in place.

    Collects each document's ``path_logits`` in eval mode, then sets the module's
    ``path_weights`` and ``path_bias`` buffers from :func:`fit_path_weights`.
    A path named in ``tested`` keeps its weight only if it passes a likelihood-ratio
    test on the held-out documents: twice the drop in their negative log-likelihood
    it brings must exceed :data:`LR_TEST_CRITICAL`; otherwise its weight is 0 and the
    other paths are weighed without it.

    Parameters
    ----------
    net : skorch.NeuralNet
        A fitted net whose module is a :class:`~sklearn_hilbert.nn.HilbertModule`.
    X : mapping
        Segment tensors of the held-out documents.
    y : array-like of shape (n,)
        Their encoded labels.
    class_weight, offset : array-like of shape (n_classes,) or None, default=None
        As in :func:`fit_path_weights`.
    device : str, default="cpu"
        The net's device (its generator is forked while the logits are collected).
    tested : tuple of str, default=()
        Paths that must earn their place (the logistic path, fitted on the
        documents the network trained on, is one more model beside it).

    Returns
    -------
    net : skorch.NeuralNet
        The same net.
    """
    net.module_.eval()
    with seeded(0, device), torch.inference_mode():
        path_logits = torch.cat([reps["path_logits"].cpu()
                                 for _, reps in net.forward_iter(X, training=False)])
    y = torch.as_tensor(y)
    class_weight = None if class_weight is None else torch.as_tensor(class_weight)
    offset = None if offset is None else torch.as_tensor(offset)
    weights, bias = fit_path_weights(path_logits, y, class_weight, offset)
    for name in tested:
        index = net.module_.paths.index(name)
        others = [i for i in range(len(weights)) if i != index]
        w, b = fit_path_weights(path_logits[:, others], y, class_weight, offset)
        gain = (held_out_nll(path_logits[:, others], y, w, b, class_weight, offset)
                - held_out_nll(path_logits, y, weights, bias, class_weight, offset))
        if 2 * gain <= LR_TEST_CRITICAL:
            weights, bias = torch.zeros_like(weights), b
            weights[others] = w
    net.module_.path_weights.copy_(weights)
    net.module_.path_bias.copy_(bias)
    return net


def implied_prior(y_fit, class_weight, n_classes):
    """The class prior implied by training on labels ``y_fit`` with ``class_weight``.

    Examples
    --------
    >>> implied_prior(np.array([0, 0, 0, 1]), None, 2).tolist()
    [0.75, 0.25]
    """
    w = np.ones(n_classes) if class_weight is None else np.asarray(class_weight, np.float64)
    implied = w * np.bincount(y_fit, minlength=n_classes)
    return implied / implied.sum()


def fit_paths(estimator, net, prepared):
    """After training: fit the logistic path, then weigh every path on the held-out documents.

    With ``pooled_logistic``, the logistic path is fitted on the training
    documents (before resampling, weighted to the prior the network's loss
    implies), then weighed with the others on the held-out documents; it keeps
    a weight only if it passes the likelihood-ratio test of
    :func:`weigh_net_paths`.  Without held-out documents the trained paths are
    summed and the logistic path keeps weight 0: nothing can tell how far to
    trust it next to the network, and adding a second fitted model's logits at
    weight 1 would count the evidence twice (overconfident probabilities).

    Parameters
    ----------
    estimator : HilbertClassifier
        Its ``prior_correction``, ``prior_shift_`` and ``device_`` are used;
        ``logistic_modalities_`` and ``logistic_C_`` are set.
    net : skorch.NeuralNet
        The trained net, changed in place.
    prepared : Bunch
        What :func:`~sklearn_hilbert._training_set.prepare_training` returned.

    Returns
    -------
    net : skorch.NeuralNet
        The same net.
    """
    module, holdout = net.module_, prepared.holdout
    logistic = getattr(module, "pooled_logistic", None)
    if logistic is not None:
        prior = implied_prior(prepared.y, prepared.class_weight, len(estimator.classes_))
        choice = fit_logistic_path(module, prepared.X_train, prepared.y_train, prior,
                                   prepared.seed)
        estimator.logistic_modalities_, estimator.logistic_C_ = choice.modalities, choice.C
    if holdout is None:
        return net
    # fitted to what predict_proba returns: with prior_correction, the probabilities at the
    # training frequencies (unweighted cross-entropy, logits + prior_shift_); without it,
    # the class-weighted objective of training
    if estimator.prior_correction:
        class_weight, offset = None, estimator.prior_shift_
    else:
        class_weight, offset = prepared.class_weight, None
    return weigh_net_paths(net, holdout.X, holdout.y, class_weight, offset, estimator.device_,
                           tested=("logistic",) if logistic is not None else ())
