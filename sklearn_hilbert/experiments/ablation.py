"""The paper's four configurations, "DualC only" and the package default, as parameters.

The paper's rows (``Transfer``, ``Transfer+MoE``, ``Contrastive+MoE``,
``HILBERT``) are the paper's network and losses exactly: none of this
package's additions (segment dropout, segment fusion, the pooled-statistics
head, the segment-interaction path, the logistic path, held-out path weights,
the debiased CKA, the one-sided MI balance).  ``DualC only`` is the
joint-centric contrastive loss alone (no CKA/MI), which the paper's text also
calls "Contrastive + MoE".  ``default`` is ``HilbertClassifier()`` as it is.
All rows share every training setting (epochs, optimiser, class weights,
dropout), and at the same ``random_state`` they start from the same initial
weights for every part of the network they share.

>>> from sklearn_hilbert import HilbertClassifier
>>> from sklearn_hilbert.experiments.ablation import ABLATIONS, PAPER
>>> list(ABLATIONS)
['Transfer', 'Transfer+MoE', 'Contrastive+MoE', 'HILBERT', 'DualC only', 'default']
>>> HilbertClassifier(**ABLATIONS["Transfer"]).head
'mlp'
>>> HilbertClassifier(**ABLATIONS["HILBERT"]).segment_dropout
0.0
"""

#: The paper's network and losses: none of the package's additions.
PAPER = {
    "segment_dropout": 0.0,
    "segment_fusion": False,
    "pooled_head": False,
    "segment_interactions": 0,
    "segment_order": False,
    "pooled_logistic": False,
    "path_holdout": None,
    "cka": "linear",
    "mi_form": "abs",
}

_NO_AUX = {"contrastive": None, "lambda_cka": 0.0, "lambda_mi": 0.0}

#: name -> parameters that turn the default ``HilbertClassifier`` into that configuration.
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
    # the package default
    "default": {},
}
