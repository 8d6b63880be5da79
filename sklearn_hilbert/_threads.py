"""Keep the caller's torch thread count across libraries that change it."""

from contextlib import contextmanager

import torch


@contextmanager
def torch_threads_kept():
    """Restore ``torch.get_num_threads()`` on exit.

    CTranslate2 (faster-whisper, the Whisper encoder) sets the OpenMP thread
    count of the thread that builds a model to its own ``cpu_threads``; torch
    shares that OpenMP runtime, so without this a caller who asked torch for one
    thread would silently train on several, and lose bit-for-bit
    reproducibility (docs/reliability.md).

    Examples
    --------
    >>> import torch
    >>> before = torch.get_num_threads()
    >>> with torch_threads_kept():
    ...     torch.set_num_threads(1)
    >>> torch.get_num_threads() == before
    True
    """
    before = torch.get_num_threads()
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)
