"""Libraries built on CTranslate2 or silero-vad must not change the caller's torch threads."""

import pytest
import torch

from sklearn_hilbert.encoders.whisper_ct2 import WhisperCT2Encoder, whisper_directory
from sklearn_hilbert.transcription.transcribe import WhisperRunner
from sklearn_hilbert.transcription.vad import load_vad


def _threads_after(build, before):
    torch.set_num_threads(before)
    try:
        build()
        return torch.get_num_threads()
    finally:
        torch.set_num_threads(1)


def test_loading_the_whisper_encoder_keeps_torch_threads():
    # threads=0 lets CTranslate2 pick its own count, which it also gave torch's OpenMP runtime
    assert _threads_after(lambda: WhisperCT2Encoder(whisper_directory("tiny.en"))._load(), 1) == 1


def test_a_failed_whisper_load_keeps_torch_threads(tmp_path):
    def load():
        with pytest.raises(ValueError, match="cannot load the Whisper model"):
            WhisperCT2Encoder(str(tmp_path), "broken")._load()

    assert _threads_after(load, 1) == 1


def test_loading_faster_whisper_keeps_torch_threads():
    assert _threads_after(lambda: WhisperRunner(cpu_threads=2).load(), 1) == 1


def test_a_failed_faster_whisper_load_names_the_model_and_keeps_torch_threads():
    def load():
        with pytest.raises(ValueError, match="faster-whisper cannot load 'tiny.en' on cpu with "
                                             "compute_type='broken'"):
            WhisperRunner(compute_type="broken", cpu_threads=2).load()

    assert _threads_after(load, 1) == 1


def test_loading_the_vad_keeps_torch_threads():
    assert _threads_after(load_vad, 2) == 2
