"""The per-segment MLP reference of ``bench_models.py``: what a researcher writes in ten lines.

Each segment's standardised ``[audio; text]`` goes through a 2-layer ReLU MLP
(64 units), the outputs are mean-pooled over the real segments and a linear
layer gives the logits; class-balanced cross-entropy, AdamW, fixed settings
(never tuned on the suite).
"""

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.class_weight import compute_class_weight
from torch import nn


class SegmentMLP(ClassifierMixin, BaseEstimator):
    def __init__(self, hidden=64, epochs=60, lr=1e-3, weight_decay=1e-4, batch_size=32,
                 random_state=0):
        self.hidden = hidden
        self.epochs = epochs
        self.lr = lr
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.random_state = random_state

    def _inputs(self, X):
        x = np.concatenate([X["audio"], X["text"]], axis=-1)
        x = (x - self.mean_) / self.scale_
        return torch.as_tensor(x, dtype=torch.float32), torch.as_tensor(np.asarray(X["mask"]))

    def _forward(self, x, mask):
        h = self.net_(x) * mask.unsqueeze(-1)
        return self.out_(h.sum(dim=1) / mask.sum(dim=1, keepdim=True).clamp(min=1))

    def fit(self, X, y):
        self.classes_, y_enc = np.unique(y, return_inverse=True)
        real = np.concatenate([X["audio"], X["text"]], axis=-1)[np.asarray(X["mask"])]
        self.mean_, self.scale_ = real.mean(axis=0), real.std(axis=0) + 1e-6
        x, mask = self._inputs(X)
        gen = torch.Generator().manual_seed(self.random_state)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.random_state)
            self.net_ = nn.Sequential(nn.Linear(x.shape[-1], self.hidden), nn.ReLU(),
                                      nn.Linear(self.hidden, self.hidden), nn.ReLU())
            self.out_ = nn.Linear(self.hidden, len(self.classes_))
        weight = torch.as_tensor(compute_class_weight("balanced", classes=np.unique(y_enc), y=y_enc),
                                 dtype=torch.float32)
        params = [*self.net_.parameters(), *self.out_.parameters()]
        opt = torch.optim.AdamW(params, lr=self.lr, weight_decay=self.weight_decay)
        target = torch.as_tensor(y_enc)
        for _ in range(self.epochs):
            order = torch.randperm(len(y_enc), generator=gen)
            for start in range(0, len(order), self.batch_size):
                idx = order[start:start + self.batch_size]
                loss = nn.functional.cross_entropy(self._forward(x[idx], mask[idx]), target[idx],
                                                   weight=weight)
                opt.zero_grad()
                loss.backward()
                opt.step()
        return self

    def predict_proba(self, X):
        with torch.no_grad():
            return torch.softmax(self._forward(*self._inputs(X)), dim=1).double().numpy()

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
