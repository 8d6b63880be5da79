"""Groups of the batched search run on a dask.distributed cluster through joblib."""

import csv

import numpy as np
import pytest
from joblib import parallel_backend
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from sklearn_hilbert.model_selection import BatchedGridSearchCV


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None) as cluster:
        yield cluster


def test_local_cluster_gives_the_same_scores_as_one_process(data, deterministic, cluster):
    from distributed import Client

    X, y = data
    # three groups (head, d_model) with dropout and shuffling: random draws matter
    clf = clone(deterministic).set_params(dropout=0.1, segment_dropout=0.3, batch_size=16)
    grid = {"head": ["moe", "mlp"], "lambda_cka": [0.0, 1.0]}
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    local = BatchedGridSearchCV(clf, grid, cv=cv, scoring="roc_auc_ovr", refit=False,
                                stack=True).fit(X, y)
    with Client(cluster) as client:
        with parallel_backend("dask"):
            remote = BatchedGridSearchCV(clf, grid, cv=cv, scoring="roc_auc_ovr", refit=False,
                                         stack=True, n_jobs=2).fit(X, y)
        workers = client.run(lambda: 1)
    assert len(workers) == 2
    np.testing.assert_allclose(remote.cv_results_["mean_test_score"],
                               local.cv_results_["mean_test_score"], atol=1e-6)


def test_cli_runs_the_network_stacks_on_the_scheduler(tiny_corpus, cache_dir, cluster, tmp_path):
    from sklearn_hilbert._cli import main

    args = ["cv", str(tiny_corpus.manifest), "--label", "sentiment", "--folds", "2",
            "--methods", "Transfer,HILBERT", "--max-epochs", "1", "--cache", str(cache_dir),
            "--quiet"]
    assert main(args + ["--output", str(tmp_path / "local")]) == 0
    assert main(args + ["--output", str(tmp_path / "dask"),
                        "--scheduler", cluster.scheduler_address]) == 0
    local, remote = ([(r["method"], float(r["auc"])) for r in
                      csv.DictReader((tmp_path / d / "fold_scores.csv").open())] for d in ("local", "dask"))
    assert [m for m, _ in local] == ["Transfer"] * 2 + ["HILBERT"] * 2
    np.testing.assert_allclose([a for _, a in local], [a for _, a in remote], atol=1e-6)
