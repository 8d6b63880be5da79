"""AdamW for a stack of models whose parameters live in one ``(n_models, n_params)`` tensor."""

import torch


class StackedAdamW:
    """:class:`torch.optim.AdamW` with gradient-norm clipping, run for many models at once.

    Row ``i`` of ``flat`` holds all parameters of model ``i``; each model has
    its own learning rate, weight decay and clipping threshold, and a step
    updates only the models marked active (the others keep their parameters,
    moments and step count).  For an active model the update is the one of
    ``clip_grad_norm_(params, max_grad_norm)`` followed by ``AdamW.step()``
    (same formulas, same defaults ``betas=(0.9, 0.999)``, ``eps=1e-8``),
    a handful of kernels for the whole stack.

    Parameters
    ----------
    flat : Tensor of shape (n_models, n_params), requires_grad
    lr, weight_decay, max_grad_norm : Tensor of shape (n_models,)
        ``max_grad_norm`` may be ``inf`` (no clipping).
    betas : (float, float), default=(0.9, 0.999)
    eps : float, default=1e-8

    Examples
    --------
    >>> import torch
    >>> from sklearn_hilbert.nn.stacked_optim import StackedAdamW
    >>> flat = torch.ones(2, 3, requires_grad=True)
    >>> opt = StackedAdamW(flat, lr=torch.tensor([0.1, 0.0]), weight_decay=torch.zeros(2),
    ...                    max_grad_norm=torch.full((2,), float("inf")))
    >>> flat.sum().backward()
    >>> opt.step(torch.tensor([True, True]))
    >>> [round(v, 4) for v in flat.detach()[:, 0].tolist()]
    [0.9, 1.0]
    """

    def __init__(self, flat, lr, weight_decay, max_grad_norm, betas=(0.9, 0.999), eps=1e-8):
        self.flat = flat
        self.lr = lr.reshape(-1, 1).to(flat)
        self.weight_decay = weight_decay.reshape(-1, 1).to(flat)
        self.max_grad_norm = max_grad_norm.reshape(-1, 1).to(flat)
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.exp_avg = torch.zeros_like(flat, requires_grad=False)
        self.exp_avg_sq = torch.zeros_like(flat, requires_grad=False)
        self.steps = torch.zeros_like(self.lr)

    @torch.no_grad()
    def step(self, active):
        """One update of the models where ``active`` (bool, ``(n_models,)``) is True."""
        grad = self.flat.grad
        on = active.reshape(-1, 1).to(grad.dtype)
        norm = torch.linalg.vector_norm(grad, dim=1, keepdim=True)
        grad = grad * (self.max_grad_norm / (norm + 1e-6)).clamp(max=1.0)
        self.steps += on
        t = self.steps.clamp(min=1.0)
        bias1 = 1 - self.beta1**t
        bias2_sqrt = torch.sqrt(1 - self.beta2**t)
        self.flat.mul_(1 - on * self.lr * self.weight_decay)
        self.exp_avg.lerp_(grad, on * (1 - self.beta1))
        self.exp_avg_sq.lerp_(grad * grad, on * (1 - self.beta2))
        denom = (self.exp_avg_sq.sqrt() / bias2_sqrt).add_(self.eps)
        self.flat.sub_((on * self.lr / bias1) * self.exp_avg / denom)

    def zero_grad(self):
        self.flat.grad = None
