"""Memory does not grow across trials: RSS over 20 small trials is bounded.

Between trials keras-tuner calls `keras.backend.clear_session()` and `gc.collect()`, and the
search keeps no reference to a finished trial's model (its `fit` returns plain numbers). On
TensorFlow, RSS still rises by ~0.6-0.8 MB per trial, as in a plain Keras loop without
keras-tuner (build, fit, `del`, `clear_session`, `gc.collect`: +0.56 MB per model, measured) and
in plain keras-tuner (+0.57 MB per trial). It was +3.5 MB per trial while a fixed `batch_size`
made the search recompile the hypermodel's compiled model with a new optimizer. That growth is
bounded per trial here; on JAX and torch the RSS must stay flat after warm-up.
"""

import keras
import numpy as np
import psutil
import pytest

from clara_keras.optimizers import RandomSearchOptimizer

FLAT_LIMIT_MB = 30  # jax, torch: total growth over the last 10 trials
TF_PER_TRIAL_LIMIT_MB = 2  # tensorflow: growth per trial (function library), see the module docstring


@pytest.mark.slow
def test_rss_is_bounded_over_20_trials(tmp_path):
    process = psutil.Process()
    rss = []

    def build(hp):
        rss.append(process.memory_info().rss / 2**20)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(hp.Int("units", 1, 4)), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(hp.Float("lr", 1e-4, 1e-2, sampling="log")), loss="mse")
        return model

    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 4)).astype("float32")
    search = RandomSearchOptimizer(
        model=build,
        dataset=(x, x[:, :1]),
        validation_data=(x, x[:, :1]),
        num_trials=20,
        epochs=1,
        batch_size=40,
        seed=0,
        directory=tmp_path,
        verbose=0,
    )
    search.fit()
    assert [r["status"] for r in search.results()] == ["COMPLETED"] * 20
    trial_rss = rss[-20:]  # one build per trial (the earlier builds declare the space)
    growth = trial_rss[-1] - trial_rss[9]
    print(f"RSS per trial (MB): {[round(v) for v in trial_rss]}; growth over the last 10 trials: {growth:.1f} MB")
    if keras.config.backend() == "tensorflow":
        assert growth < 10 * TF_PER_TRIAL_LIMIT_MB, f"memory grew by {growth:.1f} MB over 10 trials"
    else:
        assert growth < FLAT_LIMIT_MB, f"memory grew by {growth:.1f} MB over 10 trials"


def test_a_fixed_batch_size_keeps_the_optimizer_the_hypermodel_compiled(tmp_path):
    # `batch_size` is a fit argument: it must not replace the hypermodel's optimizer (nor recompile).
    def build(hp):
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(hp.Choice("lr", [0.0123])), loss="mse")
        return model

    x = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
    search = RandomSearchOptimizer(
        model=build,
        dataset=(x, x[:, :1]),
        validation_data=(x, x[:, :1]),
        num_trials=1,
        epochs=1,
        batch_size=8,
        seed=0,
        directory=tmp_path,
        verbose=0,
    )
    model = search.fit().get_best_model()
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == pytest.approx(0.0123)
