"""The wheel ships the digits data and its licence."""

import pathlib
import subprocess
import sys
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_contains_digits_and_licence(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    (wheel,) = tmp_path.glob("clara_keras-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "clara_keras/datasets/data/digits.csv.gz" in names
    assert "clara_keras/datasets/data/LICENSE-digits.txt" in names
    assert any(n.endswith("entry_points.txt") for n in names)
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "clara-keras = clara_keras.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()
