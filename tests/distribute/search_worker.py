"""One process of a distributed keras-tuner search for the distribute tests.

Run by `clara-keras launch --local 2 --search search_worker.py OUT_DIR`: the
chief (KERASTUNER_TUNER_ID=chief) serves the oracle, the workers train trials.
Each worker prints ``RAN <trial_id>`` per trial it trains; the chief prints
``TRIALS <id>:<status>,...`` once the search is over.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main(argv):
    out = argv[0]
    import keras
    import keras_tuner
    import numpy as np

    from clara_keras.distribute import search_env  # noqa: F401  (the variables come from the launcher)

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")

    def build(hp):
        model = keras.Sequential(
            [
                keras.Input((4,)),
                keras.layers.Dense(hp.Choice("units", [2, 4, 8, 16]), activation="relu"),
                keras.layers.Dense(1, activation="sigmoid"),
            ]
        )
        model.compile(optimizer=keras.optimizers.SGD(hp.Choice("lr", [0.01, 0.1])), loss="binary_crossentropy")
        return model

    class Tuner(keras_tuner.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            print(f"RAN {trial.trial_id} {self.tuner_id}", flush=True)
            return super().run_trial(trial, *args, **kwargs)

    tuner = Tuner(
        build,
        objective="val_loss",
        max_trials=4,
        seed=0,
        directory=os.path.join(out, "search"),
        project_name="distributed",
    )
    tuner.search(x, y, validation_data=(x, y), epochs=1, batch_size=32, verbose=0)
    if os.environ.get("KERASTUNER_TUNER_ID") == "chief":
        trials = tuner.oracle.trials
        print("TRIALS " + ",".join(f"{t}:{trials[t].status}" for t in sorted(trials)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
