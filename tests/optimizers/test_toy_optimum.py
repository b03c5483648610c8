"""Every optimizer finds the obvious optimum of a toy problem with a known best value.

The toy model outputs the searched constant `x`; with targets 1 its validation loss is exactly
`(x - 1) ** 2`, so the best trial must have `x == 1` and score `0.0`.
"""

import pytest

from clara_keras import optimizers as co
from tests.optimizers._toy import TOY_BEST_X
from tests.optimizers._toy import TOY_VALUES
from tests.optimizers._toy import toy_data
from tests.optimizers._toy import toy_hypermodel

CASES = {
    "random": (co.RandomSearchOptimizer, {"num_trials": len(TOY_VALUES)}),
    "grid": (co.GridSearchOptimizer, {}),
    "bayesian": (co.BayesianOptimizer, {"num_trials": 4, "num_initial_points": 2}),
    "hyperband": (co.HyperbandOptimizer, {"factor": 2, "epochs": 2, "hyperband_iterations": 2}),
    "annealing": (co.SimulatedAnnealingOptimizer, {"num_trials": 4}),
}


@pytest.mark.parametrize("algorithm", list(CASES))
def test_finds_the_known_optimum(algorithm, tmp_path):
    cls, kwargs = CASES[algorithm]
    kwargs = {"epochs": 1, **kwargs}
    search = cls(
        model=toy_hypermodel,
        dataset=toy_data(),
        validation_data=toy_data(),
        seed=1,
        directory=tmp_path,
        verbose=0,
        **kwargs,
    )
    planned = search.plan()["num_trials"]
    best = search.fit().get_best_params()
    assert best["hp"] == {"x": TOY_BEST_X}
    assert best["score"] == pytest.approx(0.0, abs=1e-12)
    rows = search.results()
    assert 1 <= len(rows) <= planned
    assert all(r["status"] == "COMPLETED" for r in rows)
    for row in rows:  # every score is the known value of its x
        assert row["score"] == pytest.approx((row["x"] - 1.0) ** 2)
    if algorithm == "grid":
        assert [r["x"] for r in rows] == TOY_VALUES
    if algorithm in ("bayesian", "annealing"):
        assert len(rows) == 4 < len(TOY_VALUES)  # found without trying every value
    if algorithm == "hyperband":
        assert {r["budget"] for r in rows} == {1, 2}  # several budgets, up to `epochs`
