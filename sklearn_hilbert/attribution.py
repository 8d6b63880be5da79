"""What a fitted :class:`~sklearn_hilbert.HilbertClassifier` looks at and learns.

:class:`SegmentAttributionMixin` (segment and modality attributions by occlusion;
the tensor work is :mod:`sklearn_hilbert.nn.attribution`) and
:class:`NetworkInspectionMixin` (attention weights, document embeddings); the
classifier inherits both.  :func:`stack_segment_attributions` and
:func:`stack_modality_contributions` are the same occlusions of a fitted
:class:`~sklearn_hilbert.HilbertStackingClassifier`'s final output.

Units: every attribution is a drop of the target class's **log-odds** (nats),
``log p / (1 - p)``; :mod:`sklearn_hilbert.nn.attribution` says why.
"""

import numpy as np
import torch

from .nn.attribution import (KINDS, log_odds, modality_hidden, modality_occlusion,
                             occluded_copies, occlusion_attributions)


def target_index(classes, target, n_docs, predict_proba, X):
    """Per-document index into ``classes`` of the class to explain (None: the predicted one)."""
    classes = list(classes)
    if target is None:
        return np.argmax(predict_proba(X), axis=1)
    labels = np.asarray(target, dtype=object)
    if labels.ndim > 1 or (labels.ndim == 1 and len(labels) != n_docs):
        raise ValueError(f"target must be one class label or one per document "
                         f"({n_docs}), got shape {labels.shape}.")
    labels = np.broadcast_to(labels, (n_docs,))
    unknown = [t for t in labels if t not in classes]
    if unknown:
        raise ValueError(f"target {unknown[0]!r} is not a class of this classifier "
                         f"(classes_: {classes}).")
    return np.array([classes.index(t) for t in labels], dtype=np.int64)


class SegmentAttributionMixin:
    """``segment_attributions`` and ``modality_contributions`` of a fitted HILBERT classifier.

    Needs ``net_`` (a fitted skorch net whose module is a
    :class:`~sklearn_hilbert.nn.HilbertModule`), ``classes_``, ``_check_X`` and
    ``predict_proba``, as :class:`~sklearn_hilbert.HilbertClassifier` has.
    """

    def _occlude(self, occlusion, X, target):
        """Run an occlusion of :mod:`~sklearn_hilbert.nn.attribution` on X; numpy out."""
        X = self._check_X(X)
        device = next(self.net_.module_.parameters()).device
        tensors = [torch.as_tensor(np.asarray(X[k]), device=device)
                   for k in ("audio", "text", "mask")]
        index = target_index(self.classes_, target, len(X), self.predict_proba, X)
        index = torch.as_tensor(index, dtype=torch.long, device=device)
        with torch.random.fork_rng(devices=[]):
            out = occlusion(self.net_.module_, *tensors, index)
        return {k: v.cpu().numpy() for k, v in out.items()}

    def segment_attributions(self, X, target=None):
        """Which segments drove each prediction: occlusion, one segment (or modality) at a time.

        Parameters
        ----------
        X : mapping
            Segment tensors.
        target : class label, array-like of shape (n,) or None, default=None
            Class whose log-odds are explained, per document (None: the
            predicted class).  Attributions answer "which segments support this
            class": where the label is a share or a count of segments holding
            some event, the event segments support the class of high shares
            and argue *against* the class of low shares, so to find the event
            segments of every document ask for the event class, not the
            predicted one.

        Returns
        -------
        attributions : dict of ndarray of shape (n, S)
            ``L(target) - L(target with the segment hidden)``, ``L`` the log-odds
            ``log p / (1 - p)`` of the target class in nats, for three ways of
            hiding it: ``"segment"`` (removed), ``"audio"`` and ``"text"`` (that
            modality of the segment replaced by its training-mean embedding).
            Positive: the segment raised the target's probability.  Zero on
            padding.  Log-odds, unlike probabilities, do not vanish on confident
            documents, so they compare across documents; see
            :mod:`sklearn_hilbert.nn.attribution`.

        Examples
        --------
        ``carriers`` marks the segments that hold the evidence for their
        document's label; hiding them costs the true class more than hiding
        the others.

        >>> from sklearn_hilbert import HilbertClassifier
        >>> from sklearn_hilbert.datasets import make_segment_data
        >>> X, y, carriers = make_segment_data(n_docs=60, n_segments=(3, 6), signal="text",
        ...                                    return_carriers=True, random_state=0)
        >>> clf = HilbertClassifier(d_model=16, proj_dim=16, max_epochs=20, random_state=0)
        >>> att = clf.fit(X, y).segment_attributions(X, target=y)
        >>> sorted(att), att["segment"].shape == X["mask"].shape
        (['audio', 'segment', 'text'], True)
        >>> others = X["mask"] & ~carriers
        >>> bool(att["segment"][carriers].mean() > att["segment"][others].mean())
        True
        """
        return self._occlude(occlusion_attributions, X, target)

    def modality_contributions(self, X, target=None):
        """How much each modality raised the target's log-odds (hidden in every segment).

        ``X`` and ``target`` are as in :meth:`segment_attributions`.

        Returns
        -------
        contributions : dict of ndarray of shape (n,)
            ``"audio"``, ``"text"``: ``L(target) - L(target with that modality
            replaced by its training-mean embedding in all segments)``, ``L`` the
            target's log-odds in nats.

        Examples
        --------
        Documents whose label lives in their audio only:

        >>> from sklearn_hilbert import HilbertClassifier
        >>> from sklearn_hilbert.datasets import make_segment_data
        >>> X, y = make_segment_data(n_docs=60, n_segments=(3, 6), signal="audio", random_state=0)
        >>> clf = HilbertClassifier(d_model=16, proj_dim=16, max_epochs=20, random_state=0)
        >>> contributions = clf.fit(X, y).modality_contributions(X, target=y)
        >>> {k: v.shape for k, v in contributions.items()}
        {'audio': (60,), 'text': (60,)}
        >>> bool(contributions["audio"].mean() > contributions["text"].mean())
        True
        """
        return self._occlude(modality_occlusion, X, target)


def _stack_log_odds(stack, X, index):
    """The stack's log-odds of the class ``index`` (per document), float64 numpy."""
    log_p = np.asarray(stack.predict_log_proba(X), dtype=np.float64)
    return log_odds(torch.from_numpy(log_p), torch.from_numpy(np.asarray(index))).numpy()


def _stack_inputs(stack, X, target):
    from sklearn.utils.validation import check_is_fitted

    from ._validation import check_segment_tensors

    check_is_fitted(stack)
    X = check_segment_tensors(X)
    index = target_index(stack.classes_, target, len(X), stack.predict_proba, X)
    tensors = [torch.as_tensor(np.asarray(X[k])) for k in ("audio", "text", "mask")]
    modules = [network.net_.module_ for network in stack.networks_]
    # the fold networks' training means (their standardisation statistics), averaged: as
    # HilbertClassifier hides a modality; the pooled baselines see the same filled-in segments
    fills = [torch.stack([getattr(m, f"{name}_mean").detach().cpu() for m in modules])
             .mean(dim=0).to(tensors[i].dtype) for i, name in enumerate(("audio", "text"))]
    return X, index, tensors, fills


def stack_segment_attributions(stack, X, target=None, budget=2_000_000):
    """Occlusion attributions of a fitted stack's final output (see
    :meth:`HilbertStackingClassifier.segment_attributions`); numpy ``(n, S)`` per kind."""
    X, index, (audio, text, mask), (fill_a, fill_t) = _stack_inputs(stack, X, target)
    n, S = mask.shape
    out = {kind: np.zeros((n, S)) for kind in KINDS}
    base = _stack_log_odds(stack, X, index)
    for d, s, au, te, m in occluded_copies(audio, text, mask, fill_a, fill_t, budget):
        d, s = d.numpy(), s.numpy()
        copies = {"audio": au.numpy(), "text": te.numpy(), "mask": m.numpy()}
        hidden = _stack_log_odds(stack, copies, np.tile(index[d], 3)).reshape(3, len(d))
        for kind, l_kind in zip(KINDS, hidden):
            out[kind][d, s] = base[d] - l_kind
    return out


def stack_modality_contributions(stack, X, target=None):
    """Drop of a fitted stack's log-odds with one modality hidden in every segment (see
    :meth:`HilbertStackingClassifier.modality_contributions`); numpy ``(n,)`` per modality."""
    X, index, (audio, text, mask), (fill_a, fill_t) = _stack_inputs(stack, X, target)
    base = _stack_log_odds(stack, X, index)
    out = {}
    for name, (au, te) in modality_hidden(audio, text, mask, fill_a, fill_t).items():
        hidden = {"audio": au.numpy(), "text": te.numpy(), "mask": mask.numpy()}
        out[name] = base - _stack_log_odds(stack, hidden, index)
    return out


class NetworkInspectionMixin:
    """``attention_weights`` and ``embed`` of a fitted HILBERT classifier.

    Needs ``_forward`` (eval-mode ``(logits, representations)`` per batch), as
    :class:`~sklearn_hilbert.HilbertClassifier` has.
    """

    def _collect(self, X, keys):
        outs = [out[1] for out in self._forward(X)]
        return {k: torch.cat([o[k] for o in outs]).cpu().numpy() for k in keys}

    def attention_weights(self, X):
        """Attention-pooling weights over segments: which segments each encoder looked at.

        Parameters
        ----------
        X : mapping
            Segment tensors of the documents to look into (``audio``, ``text``,
            ``mask``).

        Returns
        -------
        weights : dict of ndarray of shape (n, S)
            ``"audio"``, ``"text"`` and ``"joint"``; zero on padding, rows sum to 1.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_hilbert import HilbertClassifier
        >>> from sklearn_hilbert.datasets import make_segment_data
        >>> X, y = make_segment_data(n_docs=40, n_segments=(3, 6), random_state=0)
        >>> clf = HilbertClassifier(d_model=16, proj_dim=16, max_epochs=2, random_state=0)
        >>> w = clf.fit(X, y).attention_weights(X)
        >>> sorted(w), bool(np.allclose(w["joint"].sum(axis=1), 1.0))
        (['audio', 'joint', 'text'], True)
        >>> bool((w["text"][~X["mask"]] == 0).all())
        True
        """
        w = self._collect(X, [f"attention_{m}" for m in ("audio", "text", "joint")])
        return {k.removeprefix("attention_"): v for k, v in w.items()}

    def embed(self, X):
        """Document representations learned by the network.

        Parameters
        ----------
        X : mapping
            Segment tensors; each document gets one vector per encoder.

        Returns
        -------
        embeddings : dict of ndarray
            ``"audio"``, ``"text"``, ``"joint"``: the pooled document vectors ``h_*``
            of shape (n, d_model), e.g. for a plot or another model.

        Examples
        --------
        >>> from sklearn_hilbert.datasets import make_segment_data
        >>> from sklearn_hilbert import HilbertClassifier
        >>> X, y = make_segment_data(n_docs=40, n_segments=(3, 6), signal="text", random_state=1)
        >>> h = HilbertClassifier(d_model=8, max_epochs=2, random_state=0).fit(X, y).embed(X)
        >>> sorted(h), h["joint"].shape
        (['audio', 'joint', 'text'], (40, 8))
        """
        h = self._collect(X, [f"h_{m}" for m in ("audio", "text", "joint")])
        return {k.removeprefix("h_"): v for k, v in h.items()}
