"""What the transformers that learn nothing share (``StatelessTransformerMixin``)."""

import pickle

import numpy as np
import pytest
import soundfile as sf
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from sklearn_hilbert import Document, DocumentError, FrozenEncoderTransformer, Segment
from sklearn_hilbert.transcription import WhisperTranscriber

import support


@pytest.fixture
def silence(tmp_path):
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros(2 * support.SR, np.float32), support.SR)
    return str(path)


def _frozen(tmp_path, silence=None):
    est = FrozenEncoderTransformer(text_encoder=support.HashingTextEncoder(),
                                   audio_encoder=support.CountingAudioEncoder(),
                                   cache=str(tmp_path / "cache"), progress=False)
    good = [Document([Segment("a tone", support.tone(220, 0.5), support.SR)])]
    return est, good, Document([Segment("alone", support.tone(220, 0.5), support.SR)])


def _whisper(tmp_path, silence):
    est = WhisperTranscriber(cpu_threads=1, cache=str(tmp_path / "cache"), progress=False)
    return est, [silence], silence


@pytest.mark.parametrize("make", [_frozen, _whisper], ids=["frozen", "whisper"])
def test_fit_checks_and_learns_nothing(make, tmp_path, silence):
    est, good, single = make(tmp_path, silence)
    assert est.fit(good) is est
    check_is_fitted(est)  # needs no fit
    check_is_fitted(clone(est))
    tags = est.__sklearn_tags__()
    assert tags.requires_fit is False and tags.input_tags.two_d_array is False
    with pytest.raises(TypeError, match="single"):
        est.fit(single)
    with pytest.raises(ValueError, match="at least one"):
        est.fit([])
    with pytest.raises(ValueError, match="progress must be True, False or 'auto', got 'yes'"):
        clone(est).set_params(progress="yes").fit(good)


def test_loaded_state_is_never_pickled(tmp_path, silence):
    frozen, docs, _ = _frozen(tmp_path)
    frozen.transform(docs)
    whisper = WhisperTranscriber(cpu_threads=1, cache=str(tmp_path / "cache"), progress=False)
    with pytest.raises(DocumentError, match="silence"):
        whisper.transform([silence])  # the runner (model and VAD) is loaded first
    for est, loaded in ((frozen, ("_resolved", "_cache_state")),
                        (whisper, ("_runner_state", "_cache_state"))):
        assert all(hasattr(est, name) for name in loaded)
        restored = pickle.loads(pickle.dumps(est))
        assert not any(hasattr(restored, name) for name in loaded)
        assert restored.get_params().keys() == est.get_params().keys()
    # both kept one embedding cache object while ``cache`` held, and reopen it after pickling
    assert frozen._embedding_cache() is frozen._embedding_cache()
    restored = pickle.loads(pickle.dumps(frozen))
    assert restored._embedding_cache().directory == frozen._embedding_cache().directory
