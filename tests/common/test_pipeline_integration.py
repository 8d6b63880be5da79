"""What a user does (README, docs/data.md), end to end: a manifest of real WAV files through
cross_val_score and GridSearchCV, with the packaged MiniLM, logmel and the shared disk cache."""

import numpy as np
import pytest
import soundfile as sf
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

from sklearn_hilbert.classifier import HilbertClassifier
from sklearn_hilbert.manifest import load_manifest
from sklearn_hilbert.transformer import FrozenEncoderTransformer

from support import SR, noise, tone

CALM = ["we walked by the river", "the garden was quiet", "I slept well last night",
        "my sister visited on sunday"]
TENSE = ["I could not stop worrying", "the deadline scared me", "my heart was racing",
         "I felt trapped in the meeting"]


@pytest.fixture
def interviews(tmp_path):
    """Twelve 4-segment WAV interviews: calm ones are low tones, tense ones high with noise."""
    rows = ["doc_id,audio_path,start,end,text,condition"]
    for i in range(12):
        tense = i % 2
        words = TENSE if tense else CALM
        freq = 900 + 40 * i if tense else 180 + 10 * i
        y = tone(freq, 4.0) + noise(4.0, seed=i, scale=0.3 if tense else 0.02)
        sf.write(tmp_path / f"int{i:02d}.wav", y, SR)
        for k in range(4):
            rows.append(f"int{i:02d},int{i:02d}.wav,{k}.0,{k + 1}.0,{words[(k + i) % 4]},"
                        f"{'tense' if tense else 'calm'}")
    (tmp_path / "interviews.csv").write_text("\n".join(rows) + "\n")
    return tmp_path / "interviews.csv"


def test_design_pipeline_cross_val_and_grid_search(interviews, tmp_path):
    docs, y = load_manifest(interviews, label="condition")
    assert len(docs) == 12 and set(y) == {"calm", "tense"}
    pipe = make_pipeline(
        FrozenEncoderTransformer(text_encoder="all-MiniLM-L6-v2", audio_encoder="logmel",
                                 cache=tmp_path / "cache"),
        HilbertClassifier(d_model=16, n_heads=2, proj_dim=8, n_experts=2, max_epochs=15,
                          batch_size=4, lr=5e-3, random_state=0))
    scores = cross_val_score(pipe, docs, y, cv=StratifiedKFold(3), scoring="roc_auc_ovr")
    assert scores.shape == (3,) and np.all((scores >= 0) & (scores <= 1))
    assert scores.mean() > 0.8  # the classes differ plainly in both modalities
    search = GridSearchCV(pipe, {"hilbertclassifier__lambda_cka": [0.0, 1.0]},
                          cv=StratifiedKFold(3), scoring="roc_auc_ovr").fit(docs, y)
    assert search.best_params_["hilbertclassifier__lambda_cka"] in (0.0, 1.0)
    proba = search.predict_proba(docs[:3])
    assert proba.shape == (3, 2)
    np.testing.assert_allclose(proba.sum(1), 1, atol=1e-5)


def test_two_processes_share_the_cache(interviews, tmp_path):
    from sklearn.linear_model import LogisticRegression

    from sklearn_hilbert.pooling import SegmentPooler

    docs, y = load_manifest(interviews, label="condition")
    pipe = make_pipeline(
        FrozenEncoderTransformer(audio_encoder="logmel", cache=tmp_path / "shared"),
        SegmentPooler(), LogisticRegression(max_iter=500))
    parallel = cross_val_score(pipe, docs, y, cv=StratifiedKFold(2), n_jobs=2)
    serial = cross_val_score(pipe, docs, y, cv=StratifiedKFold(2))  # now from the cache
    np.testing.assert_allclose(parallel, serial, atol=1e-6)
    n_entries = len(list((tmp_path / "shared").rglob("*.emb")))
    assert n_entries == 12 * 4 + len(set(CALM + TENSE))  # audio + distinct texts
