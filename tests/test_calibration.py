"""The documented way to calibrate: ``CalibratedClassifierCV`` around the whole pipeline."""

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.metrics import log_loss
from sklearn.pipeline import make_pipeline

from sklearn_hilbert.classifier import HilbertClassifier
from sklearn_hilbert.datasets import make_segment_data
from sklearn_hilbert.documents import Document, Segment
from sklearn_hilbert.transformer import FrozenEncoderTransformer

from support import SR, TINY, CountingAudioEncoder, HashingTextEncoder, noise, tone


def _documents(n=24):
    docs = []
    for i in range(n):
        label = i % 3 == 0  # one document in three is "tense": imbalanced
        segs = [Segment(f"{'tense' if label else 'calm'} words {i} {k}",
                        tone(800 if label else 200, 0.3) + noise(0.3, seed=10 * i + k), SR)
                for k in range(3)]
        docs.append(Document(segs, doc_id=f"p{i:02d}"))
    return docs, np.array(["tense" if i % 3 == 0 else "calm" for i in range(n)])


def test_calibrated_classifier_cv_wraps_the_document_pipeline():
    docs, y = _documents()
    pipe = make_pipeline(
        FrozenEncoderTransformer(text_encoder=HashingTextEncoder(),
                                 audio_encoder=CountingAudioEncoder(), progress=False),
        HilbertClassifier(random_state=0, **TINY))
    calibrated = CalibratedClassifierCV(pipe, method="sigmoid", cv=3).fit(docs, y)
    assert list(calibrated.classes_) == ["calm", "tense"]
    assert len(calibrated.calibrated_classifiers_) == 3
    proba = calibrated.predict_proba(docs[:5])
    assert proba.shape == (5, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1)


def test_calibration_undoes_the_class_weight_shift_on_held_out_documents():
    # balanced class weights push probabilities towards the rare class; sigmoid calibration
    # on inner folds brings them back (lower held-out log-loss)
    X, y = make_segment_data(n_docs=300, n_segments=(3, 6), weights=[0.85, 0.15], signal="text",
                             strength=0.4, d_audio=6, d_text=6, random_state=3)
    train, test = np.arange(200), np.arange(200, 300)
    # prior_correction=False: the weighted loss's raw outputs (the default undoes the shift)
    clf = HilbertClassifier(random_state=0, prior_correction=False, **{**TINY, "max_epochs": 8})
    raw = clf.fit(X[train], y[train]).predict_proba(X[test])
    calibrated = CalibratedClassifierCV(clf, method="sigmoid", cv=3).fit(X[train], y[train])
    cal = calibrated.predict_proba(X[test])
    assert raw[:, 1].mean() > y[train].mean() + 0.1  # the shift: too much mass on the rare class
    assert log_loss(y[test], cal) < log_loss(y[test], raw) - 0.05
