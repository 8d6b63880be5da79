"""Suite-wide settings: one torch thread (tiny tensors; avoids oversubscription) and hypothesis."""

import os

import torch
from hypothesis import settings

torch.set_num_threads(1)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
settings.register_profile("suite", deadline=None, print_blob=True)
settings.load_profile("suite")
