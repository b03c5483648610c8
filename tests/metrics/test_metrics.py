"""Every clara metric against scikit-learn on random predictions, over many batches, reset and config round trip."""

import os

import keras
import numpy as np
import pytest
from sklearn import metrics as skm

import clara_keras.metrics as cm
from clara_keras.errors import ConfigError

N, C, BATCHES = 300, 4, 6


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.fixture
def multiclass(rng):
    y = rng.integers(0, C, size=N)
    logits = rng.normal(size=(N, C)) + 1.5 * np.eye(C)[y]  # better than chance, not perfect
    return y, _softmax(logits).astype("float32")


def _accumulate(metric, y, p, batches=BATCHES, sample_weight=None):
    for idx in np.array_split(np.arange(len(y)), batches):
        sw = None if sample_weight is None else sample_weight[idx]
        metric.update_state(y[idx], p[idx], sample_weight=sw)
    return keras.ops.convert_to_numpy(metric.result())


def _check_reset_and_config(metric, y, p):
    first = _accumulate(metric, y, p)
    metric.reset_state()
    again = _accumulate(metric, y, p)  # state was cleared: same value, not doubled counts
    np.testing.assert_allclose(again, first, rtol=1e-6, atol=1e-7)
    clone = type(metric).from_config(metric.get_config())
    assert clone.get_config() == metric.get_config()
    np.testing.assert_allclose(_accumulate(clone, y, p), first, rtol=1e-6, atol=1e-7)
    return first


def test_accuracy_matches_sklearn_int_and_one_hot(multiclass):
    y, p = multiclass
    expected = skm.accuracy_score(y, p.argmax(1))
    assert _check_reset_and_config(cm.Accuracy(), y, p) == pytest.approx(expected, abs=1e-6)
    onehot = np.eye(C, dtype="float32")[y]
    assert _accumulate(cm.Accuracy(), onehot, p) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_top_k_accuracy_matches_sklearn(multiclass, k):
    y, p = multiclass
    expected = skm.top_k_accuracy_score(y, p, k=k, labels=range(C))
    assert _check_reset_and_config(cm.TopKAccuracy(k=k), y, p) == pytest.approx(expected, abs=1e-6)
    onehot = np.eye(C, dtype="float32")[y]
    assert _accumulate(cm.TopKAccuracy(k=k), onehot, p) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    "cls,fn",
    [(cm.Precision, skm.precision_score), (cm.Recall, skm.recall_score), (cm.F1Score, skm.f1_score)],
)
@pytest.mark.parametrize("average", ["micro", "macro", "weighted", None])
def test_precision_recall_f1_match_sklearn(multiclass, cls, fn, average):
    y, p = multiclass
    expected = fn(y, p.argmax(1), average=average, labels=list(range(C)), zero_division=0)
    got = _check_reset_and_config(cls(num_classes=C, average=average), y, p)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    if average is None:
        assert got.shape == (C,)


@pytest.mark.parametrize("cls,fn", [(cm.Precision, skm.precision_score), (cm.F1Score, skm.f1_score)])
def test_binary_scores_from_one_score_column(rng, cls, fn):
    y = rng.integers(0, 2, size=N)
    score = np.clip(0.3 * y + rng.uniform(size=N) * 0.7, 0, 1).astype("float32")[:, None]
    expected = fn(y, (score[:, 0] > 0.5).astype(int), average="binary", zero_division=0)
    got = _accumulate(cls(num_classes=2, average="binary"), y, score)
    assert float(got) == pytest.approx(expected, abs=1e-6)


def test_weighted_f1_with_sample_weight(multiclass, rng):
    y, p = multiclass
    w = rng.uniform(0.1, 2.0, size=N).astype("float32")
    expected = skm.f1_score(y, p.argmax(1), average="weighted", sample_weight=w, labels=list(range(C)))
    got = _accumulate(cm.F1Score(num_classes=C, average="weighted"), y, p, sample_weight=w)
    assert float(got) == pytest.approx(expected, abs=1e-5)


def test_confusion_matrix_matches_sklearn(multiclass):
    y, p = multiclass
    expected = skm.confusion_matrix(y, p.argmax(1), labels=list(range(C)))
    got = _check_reset_and_config(cm.ConfusionMatrix(num_classes=C), y, p)
    np.testing.assert_array_equal(got, expected)
    assert got.sum() == N


def test_auc_roc_and_pr_match_sklearn_binary(rng):
    y = rng.integers(0, 2, size=N)
    score = np.clip(0.35 * y + rng.uniform(size=N) * 0.65, 0, 1).astype("float32")
    roc = _check_reset_and_config(cm.AUC(curve="ROC", num_thresholds=2000), y, score)
    assert float(roc) == pytest.approx(skm.roc_auc_score(y, score), abs=2e-3)
    pr = _accumulate(cm.AUC(curve="PR", num_thresholds=2000), y, score)
    assert float(pr) == pytest.approx(skm.average_precision_score(y, score), abs=2e-2)


def test_auc_accepts_integer_multiclass_labels(multiclass):
    y, p = multiclass
    expected = skm.roc_auc_score(np.eye(C)[y], p, average="micro")
    got = _accumulate(cm.AUC(curve="ROC", num_thresholds=2000), y, p)
    assert float(got) == pytest.approx(expected, abs=2e-3)


@pytest.fixture
def regression(rng):
    y = rng.normal(size=(N,)).astype("float32")
    pred = (y + 0.5 * rng.normal(size=N)).astype("float32")[:, None]
    return y, pred


def test_regression_metrics_match_sklearn(regression):
    y, pred = regression
    mae = _check_reset_and_config(cm.MeanAbsoluteError(), y[:, None], pred)
    assert float(mae) == pytest.approx(skm.mean_absolute_error(y, pred[:, 0]), rel=1e-5)
    rmse = _check_reset_and_config(cm.RootMeanSquaredError(), y[:, None], pred)
    assert float(rmse) == pytest.approx(np.sqrt(skm.mean_squared_error(y, pred[:, 0])), rel=1e-5)
    r2 = _check_reset_and_config(cm.R2Score(), y, pred)  # 1-D labels accepted
    assert float(r2) == pytest.approx(skm.r2_score(y, pred[:, 0]), abs=1e-5)


def test_r2_multi_output(rng):
    y = rng.normal(size=(N, 3)).astype("float32")
    pred = (y + rng.normal(size=(N, 3))).astype("float32")
    got = _accumulate(cm.R2Score(), y, pred)
    assert float(got) == pytest.approx(skm.r2_score(y, pred), abs=1e-5)


def test_metrics_in_compile_fit_and_keras_file(tmp_path, rng):
    x = rng.normal(size=(64, 5)).astype("float32")
    y = (x[:, 0] > 0).astype("int64") + (x[:, 1] > 0).astype("int64")
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3, activation="softmax")])
    metrics = [
        cm.Accuracy(),
        cm.TopKAccuracy(k=2),
        cm.F1Score(num_classes=3, average="macro"),
        cm.Precision(num_classes=3),
        cm.Recall(num_classes=3, average="weighted"),
        cm.AUC(name="auc"),
    ]
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=metrics)
    logs = model.fit(x, y, epochs=1, batch_size=16, verbose=0).history
    for name in ("accuracy", "top_k_accuracy", "f1_score", "precision", "recall", "auc"):
        assert 0.0 <= logs[name][0] <= 1.0, name
    path = os.path.join(tmp_path, "m.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    before = model.evaluate(x, y, verbose=0, return_dict=True)
    after = loaded.evaluate(x, y, verbose=0, return_dict=True)
    for key, value in before.items():
        assert after[key] == pytest.approx(value, abs=1e-5), key


@pytest.mark.parametrize(
    "make,phrase",
    [
        (lambda: cm.F1Score(num_classes=3, average="mean"), "expected one of"),
        (lambda: cm.Precision(num_classes=1), "num_classes"),
        (lambda: cm.Recall(num_classes=3, average="binary"), "num_classes=2"),
        (lambda: cm.TopKAccuracy(k=0), "Received: k=0"),
        (lambda: cm.ConfusionMatrix(num_classes="4"), "num_classes='4'"),
    ],
)
def test_bad_arguments_raise_config_error(make, phrase):
    with pytest.raises(ConfigError, match=phrase):
        make()
