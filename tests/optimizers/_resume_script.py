"""A search run as its own process by test_resume.py (killed with SIGKILL, then run again)."""

import sys

from clara_keras.optimizers import RandomSearchOptimizer
from tests.optimizers._toy import toy_data
from tests.optimizers._toy import toy_hypermodel

if __name__ == "__main__":
    search = RandomSearchOptimizer(
        model=toy_hypermodel,
        dataset=toy_data(),
        validation_data=toy_data(),
        num_trials=int(sys.argv[2]),
        epochs=1,
        seed=0,
        directory=sys.argv[1],
        project_name="resume",
        verbose=0,
    )
    search.fit()
    best = search.get_best_params()
    print(f"DONE trials={len(search.results())} best_x={best['hp']['x']} score={best['score']}", flush=True)
