"""SegmentPooler pools real segments only, in a documented column order."""

import numpy as np
import pytest
from sklearn.base import clone

from sklearn_hilbert import SegmentPooler


def _X():
    rng = np.random.default_rng(0)
    X = {"audio": rng.normal(size=(4, 5, 3)), "text": rng.normal(size=(4, 5, 2)),
         "mask": np.array([[1, 1, 1, 0, 0], [1, 0, 0, 0, 0], [1, 1, 1, 1, 1], [1, 1, 0, 0, 0]], bool)}
    return X


def test_statistics_over_real_segments_match_numpy():
    X = _X()
    out = SegmentPooler(stats=("mean", "std", "max", "min")).fit_transform(X)
    assert out.shape == (4, 4 * 3 + 4 * 2)
    for d in range(4):
        real = X["audio"][d][X["mask"][d]]
        np.testing.assert_allclose(out[d, :12], np.concatenate(
            [real.mean(0), real.std(0), real.max(0), real.min(0)]), rtol=1e-6)


def test_padding_content_does_not_matter():
    X = _X()
    Y = {k: v.copy() for k, v in X.items()}
    Y["audio"][~Y["mask"]] = 1e6
    np.testing.assert_array_equal(SegmentPooler().fit_transform(X), SegmentPooler().fit_transform(Y))


def test_feature_names_and_modality_choice():
    X = _X()
    pooler = SegmentPooler(modalities=("text",), stats=("max",)).fit(X)
    assert pooler.get_feature_names_out().tolist() == ["text_max_0", "text_max_1"]
    assert pooler.transform(X).shape == (4, 2)
    # a text-only pooler does not need audio
    assert pooler.transform({"text": X["text"], "mask": X["mask"]}).shape == (4, 2)
    assert clone(pooler).get_params() == pooler.get_params()


@pytest.mark.parametrize("params", [{"stats": ("median",)}, {"modalities": ("video",)},
                                    {"stats": ()}, {"stats": ("mean", "mean")}])
def test_bad_options(params):
    with pytest.raises(ValueError, match="distinct values"):
        SegmentPooler(**params).fit(_X())


def test_width_change_between_fit_and_transform():
    pooler = SegmentPooler().fit(_X())
    X = _X()
    X["audio"] = X["audio"][:, :, :2]
    with pytest.raises(ValueError, match=r"X\['audio'\] has 2 features per segment; .*fitted with 3"):
        pooler.transform(X)
