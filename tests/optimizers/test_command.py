"""`clara-keras search` on the embedded digits: trial table, best parameters, dry run, bad flags."""

import json
import os

import pytest

from clara_keras.cli import main


def test_dry_run_prints_the_plan_without_training(tmp_path, capsys):
    code = main(
        [
            "search",
            "--algorithm",
            "grid",
            "--lr",
            "0.01",
            "0.001",
            "--optimizer",
            "adam",
            "sgd",
            "--directory",
            str(tmp_path),
            "--dry-run",
        ]
    )
    assert code == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["algorithm"] == "grid" and plan["num_trials"] == 4 and plan["grid_size"] == 4
    assert {"lr": 0.001, "optimizer": "sgd"} in plan["grid"]
    assert plan["objective"] == "val_accuracy"
    assert os.listdir(tmp_path) == []


@pytest.mark.slow
def test_search_prints_the_table_and_best_params(tmp_path, capsys):
    code = main(
        [
            "search",
            "--algorithm",
            "annealing",
            "--trials",
            "1",
            "--epochs",
            "1",
            "--lr",
            "0.01",
            "0.003",
            "--directory",
            str(tmp_path),
            "--project-name",
            "cli",
            "--verbose",
            "0",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "trial_id  status" in out
    assert out.count("COMPLETED") == 1
    assert "clara-keras search (annealing): best trial" in out
    assert '"learning_rate": 0.0' in out and '"optimizer": "adam"' in out
    assert os.path.exists(tmp_path / "cli" / "results.csv")


@pytest.mark.parametrize(
    "argv, phrase",
    [
        (["search", "--algorithm", "genetic"], "invalid choice: 'genetic'"),
        (["search", "--trials", "0"], "expected a positive integer"),
        (["search", "--lr", "-1"], "expected a positive number"),
        (["search", "--optimizer", "adamm", "--dry-run"], "Did you mean 'adam'"),
        (["search", "--algorithm", "grid", "--lr", "0.1", "0.01", "--trials", "1", "--dry-run"], "num_trials=1"),
    ],
)
def test_bad_flags_are_one_line_and_exit_2(tmp_path, capsys, argv, phrase):
    code = main([*argv, "--directory", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert phrase in err and err.count("\n") == 1
