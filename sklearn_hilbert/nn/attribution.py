"""Occlusion attributions of the HILBERT network: which segments drove a prediction.

Attention-pooling weights say where a pooling layer looked, not what changed
the output (the classifier reads three pooled vectors through an MLP, and
self-attention mixes segments before the pooling).  Occlusion asks the
network directly: hide a segment (or one modality of it) and measure how much
the probability of the target class drops.

Three ways to hide segment ``s`` of a document:

- ``"segment"``: remove it (mask it out, as if it had never been recorded);
  a document with a single segment has it replaced by the training-mean
  embeddings of both modalities instead (an empty document has no output);
- ``"audio"``: replace its audio embedding by the training-mean audio embedding
  (after the network's standardisation: a zero vector), keeping its text;
- ``"text"``: the same for its text.

The attribution is ``p_target(document) - p_target(document with s hidden)``:
positive when the segment raised the target class's probability.  Every
occluded copy of a document is one row of a batch: the copies of all
(document, segment) pairs are built with tensor indexing and run through the
network in chunks, never in a Python loop over segments.  Padding gets 0.
"""

import torch

KINDS = ("segment", "audio", "text")


def _fill(module, name, like):
    """The training-mean embedding of a modality (zeros if the module has no statistics)."""
    mean = getattr(module, f"{name}_mean", None)
    if mean is None:
        return torch.zeros(like.shape[-1], dtype=like.dtype, device=like.device)
    return mean.to(device=like.device, dtype=like.dtype)


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
def occlusion_attributions(module, audio, text, mask, target, budget=2_000_000):
    """Change of the target's probability when each segment (or one modality of it) is hidden.

    Parameters
    ----------
    module : HilbertModule
        The trained network (put in eval mode here).
    audio, text : Tensor of shape (n, S, d_audio), (n, S, d_text)
        Segment embeddings (raw: the module standardises them itself).
    mask : bool Tensor of shape (n, S)
        True on real segments.
    target : long Tensor of shape (n,)
        Index of the class whose probability is explained, per document.
    budget : int, default=2_000_000
        Floats of input per forward pass (bounds memory; the occluded copies
        of ``budget / (S * d)`` (document, segment) pairs run together).

    Returns
    -------
    attributions : dict of float64 Tensor of shape (n, S)
        ``"segment"``, ``"audio"``, ``"text"``; zero on padding.

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
    base = predict_proba(module, audio, text, mask, budget)
    p_base = base.gather(1, target.view(-1, 1)).squeeze(1)
    doc, seg = mask.nonzero(as_tuple=True)  # one occluded copy per real (document, segment)
    fill_a, fill_t = _fill(module, "audio", audio), _fill(module, "text", text)
    # three copies (segment, audio, text) per pair go through each forward pass
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
        au_seg[r[lone], s[lone]] = fill_a
        te_seg[r[lone], s[lone]] = fill_t
        # "audio" / "text": that modality of the segment replaced by its training mean
        au_hid, te_hid = au.clone(), te.clone()
        au_hid[r, s] = fill_a
        te_hid[r, s] = fill_t
        proba = _proba(module, torch.cat([au_seg, au_hid, au]), torch.cat([te_seg, te, te_hid]),
                       torch.cat([m_seg, m, m]))
        p = proba.gather(1, target[d].repeat(3).view(-1, 1)).view(3, len(d))
        for kind, p_kind in zip(KINDS, p):
            out[kind][d, s] = p_base[d] - p_kind
    return out


@torch.inference_mode()
def modality_occlusion(module, audio, text, mask, target, budget=2_000_000):
    """Change of the target class's probability when one modality is hidden in every segment.

    Same parameters as :func:`occlusion_attributions`; returns ``{"audio", "text"}``
    -> float64 Tensor ``(n,)``: ``p_target(document) - p_target(document with that
    modality replaced by its training mean in all segments)``.

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
    base = predict_proba(module, audio, text, mask, budget)
    p_base = base.gather(1, target.view(-1, 1)).squeeze(1)
    hidden_audio = torch.where(mask.unsqueeze(-1), _fill(module, "audio", audio), audio)
    hidden_text = torch.where(mask.unsqueeze(-1), _fill(module, "text", text), text)
    out = {}
    for name, (au, te) in {"audio": (hidden_audio, text), "text": (audio, hidden_text)}.items():
        p = predict_proba(module, au, te, mask, budget)
        out[name] = p_base - p.gather(1, target.view(-1, 1)).squeeze(1)
    return out
