"""The paper's four configurations, "DualC only" and "HILBERT extended", as parameters.

``HilbertClassifier()`` is the paper's HILBERT; :data:`PAPER` spells out its
losses and the extensions it leaves off, so a row that starts from it is the
paper's network and losses whatever sizes the caller sets.  The paper's rows (``Transfer``,
``Transfer+MoE``, ``Contrastive+MoE``, ``HILBERT``) use none of this package's
extensions.  ``DualC only`` is the joint-centric contrastive loss alone (no
CKA/MI), which the paper's text also calls "Contrastive + MoE".  ``HILBERT
extended`` is ``HilbertClassifier(**EXTENDED)``.  All rows share every training
setting the paper does not fix (width, epochs, optimiser, class weights,
dropout), and at the same ``random_state`` they start from the same initial
weights for every part of the network they share.

>>> from sklearn_hilbert import HilbertClassifier
>>> from sklearn_hilbert.experiments.ablation import ABLATIONS, PAPER
>>> list(ABLATIONS)
['Transfer', 'Transfer+MoE', 'Contrastive+MoE', 'HILBERT', 'DualC only', 'HILBERT extended']
>>> HilbertClassifier(**ABLATIONS["Transfer"]).head
'mlp'
>>> HilbertClassifier(**ABLATIONS["HILBERT"]).get_params() == HilbertClassifier().get_params()
True
"""

from ..classifier import EXTENDED

#: The paper's losses and none of the package's extensions (the paper's sizes are
#: ``HilbertClassifier``'s defaults, left to ``hilbert_params`` and the caller).
PAPER = {
    "cka": "linear",
    "mi_form": "abs",
    "segment_dropout": 0.0,
    "segment_fusion": False,
    "pooled_head": False,
    "segment_interactions": 0,
    "segment_order": False,
}

_NO_AUX = {"contrastive": None, "lambda_cka": 0.0, "lambda_mi": 0.0}

#: name -> parameters of ``HilbertClassifier`` for that configuration.
ABLATIONS = {
    # frozen encoders + attention network + MLP head, cross-entropy only
    "Transfer": {**PAPER, **_NO_AUX, "head": "mlp", "lambda_balance": 0.0},
    # the same with the Mixture-of-Experts head
    "Transfer+MoE": {**PAPER, **_NO_AUX},
    # CLIP-style audio-text contrastive loss + MoE, no CKA/MI
    "Contrastive+MoE": {**PAPER, "contrastive": "pairwise", "lambda_cka": 0.0, "lambda_mi": 0.0},
    # the paper's full model: joint-centric dual contrastive + CKA + MI + MoE
    "HILBERT": {**PAPER, "contrastive": "dual"},
    # joint-centric dual contrastive + MoE, no CKA/MI
    "DualC only": {**PAPER, "contrastive": "dual", "lambda_cka": 0.0, "lambda_mi": 0.0},
    # the package's extensions of the paper's network
    "HILBERT extended": dict(EXTENDED),
}
