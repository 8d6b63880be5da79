"""Audio reading: formats, slices, channels, resampling, errors naming the file."""

import numpy as np
import pytest
import soundfile as sf

from sklearn_hilbert.audio_io import AudioError, read_audio, resample, resampled_length, to_mono

from support import SR, noise, tone


@pytest.mark.parametrize("fmt, subtype", [("WAV", "FLOAT"), ("FLAC", "PCM_16"),
                                          ("OGG", "VORBIS"), ("MP3", "MPEG_LAYER_III")])
def test_reads_common_formats(tmp_path, fmt, subtype):
    y = tone(440, 1.0)
    path = tmp_path / f"x.{fmt.lower()}"
    sf.write(path, y, SR, format=fmt, subtype=subtype)
    samples, sr = read_audio(path, 0.25, 0.75)
    assert sr == SR
    assert abs(samples.size - SR // 2) <= 1152  # MP3 frames may shift the slice slightly
    # a lossy codec keeps the tone: energy at 440 Hz dominates
    spectrum = np.abs(np.fft.rfft(samples))
    peak_hz = np.argmax(spectrum) * sr / samples.size
    assert abs(peak_hz - 440) < 10


def test_stereo_is_mixed_to_mono_and_resampled(tmp_path):
    left, right = tone(440, 1.0, 44100), -tone(440, 1.0, 44100)
    sf.write(tmp_path / "s.wav", np.stack([left, right + 0.2], axis=1), 44100, subtype="FLOAT")
    samples, sr = read_audio(tmp_path / "s.wav")
    assert sr == 44100
    np.testing.assert_allclose(samples, 0.1, atol=1e-6)  # (l + r) / 2
    out = resample(tone(440, 1.0, 44100), 44100, SR)
    assert out.shape == (resampled_length(44100, 44100, SR),) == (SR,)
    spectrum = np.abs(np.fft.rfft(out))
    assert abs(np.argmax(spectrum) - 440) <= 1  # 1 Hz bins for 1 s
    # channels-first arrays (torchaudio style) are recognised too
    assert to_mono(np.stack([np.ones(100), np.zeros(100)])).shape == (100,)


def test_audio_file_errors(tmp_path):
    sf.write(tmp_path / "a.wav", noise(2.0), SR)
    with pytest.raises(AudioError,
                       match=r"end=2.5 s is past the end of .*a.wav', which lasts 2.000"):
        read_audio(tmp_path / "a.wav", 1.0, 2.5)
    assert read_audio(tmp_path / "a.wav", 1.0, 2.005)[0].size == SR  # rounding tolerance
    with pytest.raises(AudioError, match=r"end=1 s is not after start=1 s"):
        read_audio(tmp_path / "a.wav", 1.0, 1.0)
    with pytest.raises(AudioError, match=r"missing.wav' does not exist"):
        read_audio(tmp_path / "missing.wav")
    (tmp_path / "junk.wav").write_bytes(b"RIFF not really a wav file" * 10)
    with pytest.raises(AudioError, match=r"junk.wav' cannot be read by soundfile"):
        read_audio(tmp_path / "junk.wav")
