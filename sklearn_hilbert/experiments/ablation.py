"""The four configurations of the paper's ablation table, as ``HilbertClassifier`` parameters.

>>> from sklearn_hilbert import HilbertClassifier
>>> from sklearn_hilbert.experiments.ablation import ABLATIONS
>>> sorted(ABLATIONS)
['Contrastive+MoE', 'HILBERT', 'Transfer', 'Transfer+MoE']
>>> HilbertClassifier(**ABLATIONS["Transfer"]).head
'mlp'
"""

_NO_AUX = {"contrastive": None, "lambda_cka": 0.0, "lambda_mi": 0.0}

#: name -> parameters that turn the default ``HilbertClassifier`` into that configuration.
ABLATIONS = {
    # frozen encoders + attention network + MLP head, cross-entropy only
    "Transfer": {**_NO_AUX, "head": "mlp", "lambda_balance": 0.0},
    # the same with the Mixture-of-Experts head
    "Transfer+MoE": dict(_NO_AUX),
    # CLIP-style audio-text contrastive loss + MoE, no CKA/MI
    "Contrastive+MoE": {"contrastive": "pairwise", "lambda_cka": 0.0, "lambda_mi": 0.0},
    # the full model: joint-centric dual contrastive + CKA + MI + MoE (the defaults)
    "HILBERT": {},
}
