"""Training helpers of the HILBERT estimators: device choice, seeding, prior correction."""

import contextlib
import warnings

import numpy as np
import torch


def resolve_device(device):
    """The torch device to train on: ``device``, or ``"cpu"`` with a warning when CUDA is absent.

    A model configured (or fitted, then cloned) with ``device="cuda"`` can so be
    refitted on a machine without a GPU.

    Examples
    --------
    >>> resolve_device("cpu")
    'cpu'
    """
    dev = torch.device(device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        warnings.warn(
            f"device={str(device)!r} but CUDA is not available on this machine; training on "
            "the CPU instead.",
            UserWarning,
            stacklevel=3,
        )
        return "cpu"
    return str(device)


def _cuda_indices(device):
    dev = torch.device(device)
    if dev.type != "cuda":
        return []
    return [dev.index if dev.index is not None else torch.cuda.current_device()]


@contextlib.contextmanager
def seeded(seed, device="cpu"):
    """Run a block under torch seed ``seed``, leaving every caller's generator as it was.

    Forks and restores the CPU generator and, when ``device`` is a CUDA device,
    that device's generator; seeds exactly those.  (``torch.manual_seed`` would
    also reseed, or queue a reseed of, every CUDA generator, which
    ``fork_rng(devices=[])`` does not restore.)

    Examples
    --------
    >>> import torch
    >>> before = torch.random.get_rng_state()
    >>> with seeded(0):
    ...     a = torch.rand(1)
    >>> with seeded(0):
    ...     b = torch.rand(1)
    >>> bool(a == b), bool((torch.random.get_rng_state() == before).all())
    (True, True)
    """
    devices = _cuda_indices(device)
    with torch.random.fork_rng(devices=devices, device_type="cuda"):
        torch.random.default_generator.manual_seed(seed)
        for index in devices:
            torch.cuda.default_generators[index].manual_seed(seed)
        yield


def prior_log_shift(y_train, y_fit, class_weight, n_classes):
    """Logit offsets that undo class weighting and resampling.

    Training with class weights ``w`` on a (possibly resampled) set with class
    counts ``n_fit`` fits a model whose implied class prior is proportional to
    ``w_c n_fit_c``; the training documents' own prior is ``n_train_c``.  Adding
    ``log(n_train_c / N) - log(w_c n_fit_c / sum w n_fit)`` to the logits turns
    the probabilities back into estimates of ``P(class | x)`` under the class
    frequencies of the training documents (Saerens et al., 2002).  Classes
    missing from either set get offset 0.

    Parameters
    ----------
    y_train : ndarray of int
        Encoded labels of the training documents before resampling.
    y_fit : ndarray of int
        Encoded labels the network was trained on (after resampling).
    class_weight : Tensor of shape (n_classes,) or None
    n_classes : int

    Returns
    -------
    shift : ndarray of shape (n_classes,), float64

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([0, 0, 0, 1])
    >>> w = np.array([4 / 6, 2.0])  # "balanced"
    >>> shift = prior_log_shift(y, y, w, 2)
    >>> np.round(np.exp(shift) / np.exp(shift).sum(), 2).tolist()  # back to 3:1
    [0.75, 0.25]
    """
    n_train = np.bincount(y_train, minlength=n_classes).astype(np.float64)
    n_fit = np.bincount(y_fit, minlength=n_classes).astype(np.float64)
    w = np.ones(n_classes) if class_weight is None else np.asarray(class_weight, np.float64)
    implied = w * n_fit
    ok = (n_train > 0) & (implied > 0)
    shift = np.zeros(n_classes)
    shift[ok] = np.log(n_train[ok] / n_train.sum()) - np.log(implied[ok] / implied[ok].sum())
    return shift


def seed_list(random_state, n_seeds):
    """``n_seeds`` random states: the first is ``random_state`` itself, the others drawn from it.

    Examples
    --------
    >>> seed_list(0, 3)[0]
    0
    >>> len(set(seed_list(0, 3)))
    3
    """
    from sklearn.utils import check_random_state

    rng = check_random_state(random_state if not isinstance(random_state, int)
                             else random_state + 7919)
    return [random_state] + [int(s) for s in rng.randint(np.iinfo(np.int32).max,
                                                         size=n_seeds - 1)]
