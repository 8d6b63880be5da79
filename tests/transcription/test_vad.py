import tracemalloc

import numpy as np
import pytest
import soundfile as sf

from sklearn_hilbert.audio_io import AudioError
from sklearn_hilbert.transcription import speech_regions
from sklearn_hilbert.transcription.transcribe import _chunks
from sklearn_hilbert.transcription.vad import load_vad

from .conftest import SR


def test_long_file_memory_is_bounded_by_the_block(tmp_path, speech):
    # 4 minutes: silence, then the speech at the end
    wave = np.concatenate([np.zeros(4 * 60 * SR - speech.size, np.float32), speech])
    path = tmp_path / "long.wav"
    sf.write(path, wave, SR, subtype="PCM_16")
    model = load_vad()
    tracemalloc.start()
    regions, duration = speech_regions(path, model, block_seconds=10.0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert duration == pytest.approx(240.0)
    assert peak < 5e6  # about five block-sized buffers; the whole file as float32: 15 MB
    assert regions[0][0] > 240.0 - speech.size / SR
    # the speech is read in stretches of at most chunk_seconds
    assert _chunks([(0, 50), (60, 100), (110, 400)], 120) == \
        [[(0, 50), (60, 100)], [(110, 230)], [(230, 350)], [(350, 400)]]


def test_regions_match_the_pauses_and_rates_agree(audio_dir, speech):
    regions, duration = speech_regions(audio_dir / "review.wav")
    assert duration == pytest.approx(speech.size / SR)
    assert 3 <= len(regions) <= 5  # four sentences, 0.4 s apart
    assert 0.7 < regions[0][0] < 1.1 and regions[-1][1] < duration - 0.4
    # the same speech at 44.1 kHz in stereo: same regions within a window (32 ms)
    flac, _ = speech_regions(audio_dir / "stereo.flac")
    assert len(flac) == 1 and flac[0][1] - flac[0][0] > 2.0
    with pytest.raises(AudioError, match="corrupt.wav"):
        speech_regions(audio_dir / "corrupt.wav")
