"""Groups of the batched search run on a dask.distributed cluster through joblib."""

import numpy as np
from joblib import parallel_backend
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from sklearn_hilbert.model_selection import BatchedGridSearchCV


def test_local_cluster_gives_the_same_scores_as_one_process(data, deterministic):
    from distributed import Client, LocalCluster

    X, y = data
    # three groups (head, d_model) with dropout and shuffling: random draws matter
    clf = clone(deterministic).set_params(dropout=0.1, segment_dropout=0.3, batch_size=16)
    grid = {"head": ["moe", "mlp"], "lambda_cka": [0.0, 1.0]}
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    local = BatchedGridSearchCV(clf, grid, cv=cv, scoring="roc_auc_ovr", refit=False).fit(X, y)
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        with parallel_backend("dask"):
            remote = BatchedGridSearchCV(clf, grid, cv=cv, scoring="roc_auc_ovr", refit=False,
                                         n_jobs=2).fit(X, y)
        workers = client.run(lambda: 1)
    assert len(workers) == 2
    np.testing.assert_allclose(remote.cv_results_["mean_test_score"],
                               local.cv_results_["mean_test_score"], atol=1e-6)
