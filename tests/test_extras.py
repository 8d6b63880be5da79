"""The core install works without any extra; a missing extra says which one to install."""

import os
import re
from importlib.metadata import metadata
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sklearn_hilbert import MissingExtraError
from sklearn_hilbert._optional import EXTRAS, import_optional

from support import block_modules

ROOT = Path(__file__).resolve().parents[1]
#: every optional package, and what only they pull in (tokenizers: transformers and
#: faster-whisper; av: faster-whisper)
OPTIONAL = sorted({m for modules in EXTRAS.values() for m in modules} | {"tokenizers", "av"})
#: run first in a subprocess: every optional package is "not installed"
BLOCK = f"import sys\nfor _m in {OPTIONAL!r}:\n    sys.modules[_m] = None\n"


def _run_blocked(code, *args, timeout=300):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", BLOCK + code, *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=ROOT)


def _install(extra):
    return f'pip install "sklearn-hilbert[{extra}]"'


def test_pyproject_declares_the_extras_of_optional_py():
    """The installed metadata (pyproject.toml, as `make test` installs it) declares the
    packages of each extra of _optional.EXTRAS, and none of them is a core dependency."""
    declared = {}
    for requirement in metadata("sklearn-hilbert").get_all("Requires-Dist"):
        name = re.match(r"[\w.-]+", requirement).group().lower().replace("_", "-")
        extra = re.search(r"extra\s*==\s*['\"]([\w-]+)['\"]", requirement)
        declared.setdefault(extra.group(1) if extra else None, set()).add(name)

    for extra, modules in EXTRAS.items():
        assert declared[extra] == {d.lower().replace("_", "-") for d in modules.values()}
    assert declared["all"] == set().union(*(declared[e] for e in EXTRAS))
    assert not declared[None] & declared["all"], "a package is both core and optional"


def test_whole_package_imports_without_any_extra():
    code = """
import importlib, pkgutil
import sklearn_hilbert
from sklearn_hilbert import HilbertClassifier, FrozenEncoderTransformer, SegmentPooler
from sklearn_hilbert.datasets import make_segment_data
import sklearn_hilbert._cli
failed = []
for info in pkgutil.walk_packages(sklearn_hilbert.__path__, "sklearn_hilbert."):
    try:
        importlib.import_module(info.name)
    except Exception as exc:
        failed.append(f"{info.name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed) or "all imported")
"""
    done = _run_blocked(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "all imported"


def test_classifier_fits_without_any_extra():
    code = """
from sklearn_hilbert import HilbertClassifier, SegmentPooler
from sklearn_hilbert.datasets import make_segment_data
X, y = make_segment_data(n_docs=20, random_state=0)
clf = HilbertClassifier(d_model=8, proj_dim=8, max_epochs=1, random_state=0).fit(X, y)
print(clf.predict_proba(X).shape, SegmentPooler().fit_transform(X).shape[0])
"""
    done = _run_blocked(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("(20, 2) 20")


def test_hilbert_transcribe_names_the_extra_without_a_traceback(tmp_path):
    import soundfile as sf

    wav = tmp_path / "a.wav"
    sf.write(wav, np.zeros(16000, np.float32), 16000)
    code = "import sys\nfrom sklearn_hilbert._cli import main\nsys.exit(main(sys.argv[1:]))"
    done = _run_blocked(code, "transcribe", str(wav), "-o", str(tmp_path / "m.csv"),
                        "--cache", "none", "-q")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        "hilbert transcribe: error: Transcription (faster-whisper and Silero VAD) needs "
        f"faster-whisper, which is not installed; install it with: {_install('transcribe')}")


def test_text_encoder_names_the_text_extra(monkeypatch, tmp_path):
    from sklearn_hilbert.encoders import SentenceTransformerEncoder, resolve_text_encoder

    block_modules(monkeypatch, "sentence_transformers")
    for spec in ("all-MiniLM-L6-v2", str(tmp_path)):
        with pytest.raises(MissingExtraError, match=r"needs sentence-transformers.*"
                           + _install("text").replace("[", r"\[").replace("]", r"\]")):
            resolve_text_encoder(spec)
    with pytest.raises(MissingExtraError, match=r"sklearn-hilbert\[text\]") as info:
        SentenceTransformerEncoder(str(tmp_path)).encode(["a"])
    assert info.value.extra == "text" and info.value.name == "sentence_transformers"
    # an object with an encode method needs no extra
    assert resolve_text_encoder(type("T", (), {"encode": lambda self, t: None})()) is not None


def test_audio_encoders_name_their_extra(monkeypatch):
    from sklearn_hilbert.encoders import resolve_audio_encoder

    block_modules(monkeypatch, "transformers", "ctranslate2")
    with pytest.raises(MissingExtraError, match=r"needs transformers.*sklearn-hilbert\[hf\]"):
        resolve_audio_encoder("facebook/wav2vec2-base")
    with pytest.raises(MissingExtraError, match=r"needs ctranslate2.*\[transcribe\]"):
        resolve_audio_encoder("whisper-tiny.en")
    assert resolve_audio_encoder("logmel").cache_key.startswith("logmel")  # core


def test_transcription_and_wer_name_the_transcribe_extra(monkeypatch):
    from sklearn_hilbert.transcription import WhisperTranscriber, word_error_rate

    block_modules(monkeypatch, "faster_whisper", "jiwer")
    with pytest.raises(MissingExtraError, match=r"needs faster-whisper.*\[transcribe\]"):
        WhisperTranscriber().transform(["a.wav"])
    with pytest.raises(MissingExtraError, match=r"word error rate.*needs jiwer.*\[transcribe\]"):
        word_error_rate("a b", "a b")


def test_figures_and_dask_name_their_extra(monkeypatch, tmp_path, capsys):
    from sklearn_hilbert._cli import main
    from sklearn_hilbert._cli._common import cluster
    from sklearn_hilbert.experiments.figures import plot_roc_curves

    block_modules(monkeypatch, "matplotlib", "distributed")
    with pytest.raises(MissingExtraError, match=r"figures needs matplotlib.*\[report\]"):
        plot_roc_curves([0, 1], {"m": np.eye(2)}, [0, 1], tmp_path / "roc.png")
    with pytest.raises(MissingExtraError, match=r"dask backend.*needs distributed.*\[dask\]"):
        with cluster("tcp://127.0.0.1:1"):
            pass
    # `hilbert cv` says so before any work (the manifest is not even read)
    assert main(["cv", str(tmp_path / "missing.csv"), "--label", "y", "-q"]) == 1
    assert f"needs matplotlib, which is not installed; install it with: {_install('report')}" \
        in capsys.readouterr().err
    monkeypatch.undo()
    block_modules(monkeypatch, "distributed")
    assert main(["cv", str(tmp_path / "missing.csv"), "--label", "y", "-q",
                 "--scheduler", "tcp://127.0.0.1:1"]) == 1
    assert _install("dask") in capsys.readouterr().err


def test_a_broken_package_is_named_with_its_cause(monkeypatch, tmp_path):
    (tmp_path / "broken_pkg_for_test.py").write_text("import no_such_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(MissingExtraError) as info:
        import_optional("broken_pkg_for_test", "report", "Drawing")
    assert str(info.value) == (
        "Drawing needs broken-pkg-for-test, which cannot be imported (ModuleNotFoundError: "
        f"No module named 'no_such_dependency_xyz'); reinstall it with: {_install('report')}")
    assert isinstance(info.value, ImportError)
