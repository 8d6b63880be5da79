"""Occlusion attributions of the HILBERT network: which segments drove a prediction.

Attention-pooling weights say where a pooling layer looked, not what changed
the output (the classifier reads three pooled vectors through an MLP, and
self-attention mixes segments before the pooling).  Occlusion asks the
network directly: hide a segment (or one modality of it) and measure how much
the target class's log-odds drop.

Three ways to hide segment ``s`` of a document:

- ``"segment"``: remove it (mask it out, as if it had never been recorded);
  a document with a single segment has it replaced by the training-mean
  embeddings of both modalities instead (an empty document has no output);
- ``"audio"``: replace its audio embedding by the training-mean audio embedding
  (after the network's standardisation: a zero vector), keeping its text;
- ``"text"``: the same for its text.

**Units: log-odds (nats) of the target class.**  The attribution is
``L(document) - L(document with s hidden)`` with
``L = log p_target - log(1 - p_target) = z_target - logsumexp_{c != target} z_c``
(``z`` the logits): positive when the segment raised the target class's
probability.  Log-odds, not probabilities: a confident document (``p`` near 0
or 1) changes its probability by almost nothing when one of its ~40 segments is
hidden (on ``make_event_share_data``, 40 times less than an uncertain one), so
probability differences could not be compared across documents; in log-odds
they can, and for two classes the log-odds of a class are its logit margin, the
quantity the stack's final estimator adds up.  Within one document the ranking
of its segments is the same in both units for two classes.

Every occluded copy of a document is one row of a batch: the copies of all
(document, segment) pairs are built with tensor indexing (:func:`occluded_copies`)
and run through the network in chunks, never in a Python loop over segments.
Padding gets 0.
"""

import torch

KINDS = ("segment", "audio", "text")


def _fill(module, name, like):
    """The training-mean embedding of a modality (zeros if the module has no statistics)."""
    mean = getattr(module, f"{name}_mean", None)
    if mean is None:
        return torch.zeros(like.shape[-1], dtype=like.dtype, device=like.device)
    return mean.to(device=like.device, dtype=like.dtype)


def log_odds(log_scores, target):
    """Log-odds of the ``target`` class, ``(n,)`` float64, from logits or log-probabilities.

    ``log_scores`` has shape ``(n, C)`` (any per-row additive constant cancels);
    returns ``s_target - logsumexp_{c != target} s_c``, i.e.
    ``log p_target - log(1 - p_target)`` computed without forming ``1 - p``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_hilbert.nn.attribution import log_odds
    >>> p = torch.tensor([[0.8, 0.2], [0.5, 0.5]], dtype=torch.float64)
    >>> log_odds(p.log(), torch.tensor([0, 1])).tolist()   # log(0.8 / 0.2), log(1)
    [1.3862943611198906, 0.0]
    """
    log_scores = torch.as_tensor(log_scores).double()
    target = torch.as_tensor(target, device=log_scores.device).view(-1, 1)
    own = log_scores.gather(1, target).squeeze(1)
    rest = torch.logsumexp(log_scores.scatter(1, target, float("-inf")), dim=1)
    return own - rest


def _log_odds(module, audio, text, mask, target):
    logits, _ = module(audio, text, mask)
    return log_odds(logits, target)


def _proba(module, audio, text, mask):
    logits, _ = module(audio, text, mask)
    return torch.softmax(logits.double(), dim=1)


def _chunks(n_rows, rows_per_chunk):
    return [(start, min(start + rows_per_chunk, n_rows))
            for start in range(0, n_rows, rows_per_chunk)]


def _rows_per_chunk(S, d, budget):
    """Occluded document copies per forward pass so that one chunk's inputs hold ~budget floats."""
    return max(1, int(budget // max(1, S * d)))


@torch.inference_mode()
def predict_proba(module, audio, text, mask, budget=2_000_000):
    """Class probabilities ``(n, C)`` (float64) of the module in eval mode, in chunks."""
    module.eval()
    n, S = mask.shape
    rows = _rows_per_chunk(S, audio.shape[-1] + text.shape[-1], budget)
    return torch.cat([_proba(module, audio[a:b], text[a:b], mask[a:b])
                      for a, b in _chunks(n, rows)]) if n else torch.zeros(0, 0)


@torch.inference_mode()
def _chunked_log_odds(module, audio, text, mask, target, budget):
    n, S = mask.shape
    rows = _rows_per_chunk(S, audio.shape[-1] + text.shape[-1], budget)
    return torch.cat([_log_odds(module, audio[a:b], text[a:b], mask[a:b], target[a:b])
                      for a, b in _chunks(n, rows)])


def occluded_copies(audio, text, mask, fill_audio, fill_text, budget=2_000_000):
    """Yield the occluded copies of every real (document, segment), in chunks.

    Each chunk is ``(doc, seg, audio, text, mask)``: ``doc``, ``seg`` (long, ``(m,)``)
    name the ``m`` pairs, and the tensors hold ``3 m`` document copies, the
    ``"segment"``, ``"audio"`` and ``"text"`` hidings (``KINDS``, in that order) of
    each pair, one after the other.  ``fill_*`` is what replaces a hidden modality
    (the training-mean embedding).  Any model of segment tensors can score the
    copies: the network (:func:`occlusion_attributions`) or a whole stack
    (:meth:`HilbertStackingClassifier.segment_attributions`).
    """
    mask = mask.bool()
    S = mask.shape[1]
    doc, seg = mask.nonzero(as_tuple=True)  # one occluded copy per real (document, segment)
    # three copies (segment, audio, text) per pair go in each chunk
    rows = max(1, _rows_per_chunk(S, audio.shape[-1] + text.shape[-1], budget) // 3)
    for a, b in _chunks(len(doc), rows):
        d, s = doc[a:b], seg[a:b]
        r = torch.arange(len(d), device=d.device)
        au, te, m = audio[d], text[d], mask[d]
        # "segment": drop it from the mask; a lone segment is replaced by the means instead
        m_seg = m.clone()
        m_seg[r, s] = False
        lone = ~m_seg.any(dim=1)
        m_seg[lone] = m[lone]
        au_seg, te_seg = au.clone(), te.clone()
        au_seg[r[lone], s[lone]] = fill_audio
        te_seg[r[lone], s[lone]] = fill_text
        # "audio" / "text": that modality of the segment replaced by its training mean
        au_hid, te_hid = au.clone(), te.clone()
        au_hid[r, s] = fill_audio
        te_hid[r, s] = fill_text
        yield (d, s, torch.cat([au_seg, au_hid, au]), torch.cat([te_seg, te, te_hid]),
               torch.cat([m_seg, m, m]))


def modality_hidden(audio, text, mask, fill_audio, fill_text):
    """``{"audio": (audio, text), "text": (audio, text)}``: the documents with that modality
    replaced by ``fill_*`` in every real segment (padding kept)."""
    m = mask.bool().unsqueeze(-1)
    return {"audio": (torch.where(m, fill_audio, audio), text),
            "text": (audio, torch.where(m, fill_text, text))}


@torch.inference_mode()
def occlusion_attributions(module, audio, text, mask, target, budget=2_000_000):
    """Drop of the target's log-odds when each segment (or one modality of it) is hidden.

    Parameters
    ----------
    module : HilbertModule
        The trained network (put in eval mode here).
    audio, text : Tensor of shape (n, S, d_audio), (n, S, d_text)
        Segment embeddings (raw: the module standardises them itself).
    mask : bool Tensor of shape (n, S)
        True on real segments.
    target : long Tensor of shape (n,)
        Index of the class whose log-odds are explained, per document.
    budget : int, default=2_000_000
        Floats of input per forward pass (bounds memory; the occluded copies
        of ``budget / (3 S d)`` (document, segment) pairs run together).

    Returns
    -------
    attributions : dict of float64 Tensor of shape (n, S)
        ``"segment"``, ``"audio"``, ``"text"``: ``L(document) - L(document with the
        segment hidden)``, ``L`` the target's log-odds in nats (module docstring);
        zero on padding.

    Examples
    --------
    >>> import torch
    >>> from sklearn_hilbert.nn import HilbertModule
    >>> from sklearn_hilbert.nn.attribution import occlusion_attributions
    >>> _ = torch.manual_seed(0)
    >>> net = HilbertModule(d_audio=4, d_text=3, n_outputs=2, d_model=8, n_heads=2, proj_dim=4,
    ...                     n_experts=2, expert_hidden=(8,), head_hidden=(8,), head="moe",
    ...                     dropout=0.1, segment_dropout=0.5, project=False,
    ...                     segment_fusion=False, pooled_head=False)
    >>> mask = torch.tensor([[True, True, False], [True, False, False]])
    >>> att = occlusion_attributions(net, torch.randn(2, 3, 4), torch.randn(2, 3, 3), mask,
    ...                              torch.tensor([0, 1]))
    >>> sorted(att), tuple(att["segment"].shape), bool((att["text"][~mask] == 0).all())
    (['audio', 'segment', 'text'], (2, 3), True)
    """
    module.eval()
    mask = mask.bool()
    n, S = mask.shape
    out = {kind: torch.zeros(n, S, dtype=torch.float64, device=mask.device) for kind in KINDS}
    if n == 0:
        return out
    base = _chunked_log_odds(module, audio, text, mask, target, budget)
    fill_a, fill_t = _fill(module, "audio", audio), _fill(module, "text", text)
    for d, s, au, te, m in occluded_copies(audio, text, mask, fill_a, fill_t, budget):
        hidden = _log_odds(module, au, te, m, target[d].repeat(3)).view(3, len(d))
        for kind, l_kind in zip(KINDS, hidden):
            out[kind][d, s] = base[d] - l_kind
    return out


@torch.inference_mode()
def modality_occlusion(module, audio, text, mask, target, budget=2_000_000):
    """Drop of the target class's log-odds when one modality is hidden in every segment.

    Same parameters as :func:`occlusion_attributions`; returns ``{"audio", "text"}``
    -> float64 Tensor ``(n,)``: ``L(document) - L(document with that modality
    replaced by its training mean in all segments)``, ``L`` the target's log-odds.

    Examples
    --------
    >>> import torch
    >>> from sklearn_hilbert.nn import HilbertModule
    >>> from sklearn_hilbert.nn.attribution import modality_occlusion
    >>> net = HilbertModule(d_audio=4, d_text=3, n_outputs=2, d_model=8, n_heads=2, proj_dim=4,
    ...                     n_experts=2, expert_hidden=(8,), head_hidden=(8,), head="mlp",
    ...                     dropout=0.1, segment_dropout=0.5, project=False,
    ...                     segment_fusion=False, pooled_head=False)
    >>> mask = torch.ones(2, 3, dtype=torch.bool)
    >>> out = modality_occlusion(net, torch.randn(2, 3, 4), torch.randn(2, 3, 3), mask,
    ...                          torch.tensor([0, 1]))
    >>> {k: tuple(v.shape) for k, v in out.items()}
    {'audio': (2,), 'text': (2,)}
    """
    module.eval()
    mask = mask.bool()
    if mask.shape[0] == 0:
        return {name: torch.zeros(0, dtype=torch.float64) for name in ("audio", "text")}
    base = _chunked_log_odds(module, audio, text, mask, target, budget)
    hidden = modality_hidden(audio, text, mask, _fill(module, "audio", audio),
                             _fill(module, "text", text))
    return {name: base - _chunked_log_odds(module, au, te, mask, target, budget)
            for name, (au, te) in hidden.items()}
