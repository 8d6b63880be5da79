"""What the sub-commands of ``hilbert`` share: options, logging, the cache folder, the
encoder, thread limits and the dask cluster."""

import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .._optional import import_optional

DASK = "The dask backend (--scheduler)"


def log(args, message):
    """Progress message on stderr unless ``--quiet``."""
    if not getattr(args, "quiet", False):
        print(message, file=sys.stderr, flush=True)


def slug(text):
    """A file-name-safe version of ``text``."""
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in str(text))


def add_encoder_options(p):
    p.add_argument("--text-encoder", default="all-MiniLM-L6-v2",
                   help="sentence-transformers model: name, hub id or local folder "
                        "(default: the packaged all-MiniLM-L6-v2); in `cv`, a comma-separated "
                        "list gives a table of every encoder pair")
    p.add_argument("--audio-encoder", default="logmel",
                   help="'logmel' or a Hugging Face speech model id / local folder "
                        "(in `cv`: comma-separated list)")
    p.add_argument("--max-segments", type=int, default=None,
                   help="keep the first N segments of each document")
    p.add_argument("--keep-speaker", default=None, metavar="VALUE",
                   help="keep only the segments whose manifest `speaker` is VALUE (e.g. the "
                        "participant's turns of an interview); other segments are dropped "
                        "before encoding")
    p.add_argument("--cache", default=None,
                   help="embedding cache folder (default: DATA_HOME/cache; 'none' disables)")
    p.add_argument("--device", default="cpu", help="torch device (default: cpu)")
    p.add_argument("--batch-size", type=int, default=32, help="segments per encoder batch")


def add_model_options(p):
    p.add_argument("--max-epochs", type=int, default=None,
                   help="HILBERT networks' max_epochs (default: the estimator's)")
    p.add_argument("--random-state", type=int, default=0, help="seed of folds and networks")
    p.add_argument("--threads", type=int, default=1,
                   help="torch and BLAS threads (default: 1, the fastest for the small HILBERT "
                        "networks and robust on a shared machine; raise it for big encoders)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")


def cache_dir(args):
    """The embedding/transcript cache folder of ``--cache`` (and ``--data-home``), or None."""
    if args.cache is not None:
        return None if args.cache.lower() == "none" else str(Path(args.cache).expanduser())
    from ..datasets import get_data_home

    return str(get_data_home(getattr(args, "data_home", None)) / "cache")


def transformer(args):
    """The ``FrozenEncoderTransformer`` of the encoder options."""
    from ..transformer import FrozenEncoderTransformer

    return FrozenEncoderTransformer(
        text_encoder=args.text_encoder, audio_encoder=args.audio_encoder,
        batch_size=args.batch_size, device=args.device, cache=cache_dir(args),
        max_segments=args.max_segments, progress=not args.quiet)


def hilbert_params(args):
    """Settings passed to every HILBERT network (classifier or regressor)."""
    params = {"device": args.device}
    if args.max_epochs is not None:
        params["max_epochs"] = args.max_epochs
    return params


def load_documents(manifest, label, args):
    """``load_manifest`` with a timing message, then ``--keep-speaker``'s filter."""
    from ..documents import select_speaker
    from ..manifest import SPEAKER_COLUMN, load_manifest

    start = time.perf_counter()
    docs, y = load_manifest(manifest, label=label)
    log(args, f"Loaded {len(docs)} documents ({sum(len(d) for d in docs)} segments) from "
              f"{manifest} in {time.perf_counter() - start:.1f} s")
    speaker = getattr(args, "keep_speaker", None)
    if speaker is not None:
        if all(seg.speaker is None for d in docs for seg in d):
            raise ValueError(f"--keep-speaker {speaker!r}: {manifest} has no "
                             f"{SPEAKER_COLUMN!r} column (or it is empty); add one naming the "
                             "speaker of each segment")
        docs, dropped = select_speaker(docs, speaker)
        log(args, f"--keep-speaker {speaker!r}: dropped {dropped} segment(s) of other speakers; "
                  f"{sum(len(d) for d in docs)} left")
    return docs, y


@contextmanager
def cluster(address):
    """Run joblib work on the dask.distributed scheduler at ``address`` (None: locally)."""
    if not address:
        yield None
        return
    from joblib import parallel_backend

    import_optional("dask", "dask", DASK)  # joblib's "dask" backend imports both
    Client = import_optional("distributed", "dask", DASK).Client
    with Client(address) as client, parallel_backend("dask"):
        yield max(1, len(client.scheduler_info().get("workers", {})))


@contextmanager
def thread_limits(n_threads):
    """Limit torch and BLAS/OpenMP threads to ``n_threads`` (None: leave them alone)."""
    if not n_threads:
        yield
        return
    import torch
    from threadpoolctl import threadpool_limits

    before = torch.get_num_threads()
    torch.set_num_threads(n_threads)
    try:
        with threadpool_limits(n_threads):
            yield
    finally:
        torch.set_num_threads(before)
