"""The run-directory layout: the one place that names the files of a training run.

The Trainer, `clara-keras train` and the hyper-parameter search all read and
write run folders through `RunDir`, so a file is renamed in one edit.

```
<run>/
  best.keras              best model so far (atomic; never replaced by a NaN epoch)
  state/resume.npz        last completed epoch (with checkpoint_every: last saved batch): weights, optimizer,
                          RNG, callbacks, history, metric totals (one atomic file)
  history.csv, history.json   per-epoch logs (rewritten atomically each epoch)
  config.json             parameters, data shapes, backend, versions, seed
  learning_curves.png     loss / metric curves
  confusion_matrix.png    test confusion matrix (classification)
  report.md               the run report (links the PNGs)
  result.json             test scores and best epoch
```
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

from clara_keras.errors import CheckpointError

__all__ = ["RunDir", "default_run_dir"]


def default_run_dir(root: str = "runs") -> str:
    """``runs/<YYYYmmdd-HHMMSS>`` (a new folder name per call second)."""
    return os.path.join(root, datetime.datetime.now().strftime("%Y%m%d-%H%M%S"))


class RunDir:
    """Paths of one run folder.

    Args:
        path: String or path-like, the folder (created by `create()`).

    Example:

    ```python
    run = clara_keras.training.RunDir("runs/a")
    run.best_model  # Path("runs/a/best.keras")
    ```
    """

    BEST_MODEL = "best.keras"
    STATE = os.path.join("state", "resume.npz")
    HISTORY_CSV = "history.csv"
    HISTORY_JSON = "history.json"
    CONFIG = "config.json"
    CURVES = "learning_curves.png"
    CONFUSION = "confusion_matrix.png"
    REPORT = "report.md"
    RESULT = "result.json"

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    def create(self) -> RunDir:
        self.path.mkdir(parents=True, exist_ok=True)
        return self

    def __fspath__(self) -> str:
        return os.fspath(self.path)

    def __repr__(self) -> str:
        return f"RunDir({str(self.path)!r})"

    best_model = property(lambda self: self.path / self.BEST_MODEL)
    state = property(lambda self: self.path / self.STATE)
    history_csv = property(lambda self: self.path / self.HISTORY_CSV)
    history_json = property(lambda self: self.path / self.HISTORY_JSON)
    config = property(lambda self: self.path / self.CONFIG)
    curves = property(lambda self: self.path / self.CURVES)
    confusion = property(lambda self: self.path / self.CONFUSION)
    report = property(lambda self: self.path / self.REPORT)
    result = property(lambda self: self.path / self.RESULT)

    def has_state(self) -> bool:
        """Whether a resume state exists."""
        return self.state.is_file()

    def read_config(self) -> dict:
        """The run's ``config.json``; `CheckpointError` if missing or unreadable."""
        try:
            with open(self.config) as f:
                return json.load(f)
        except FileNotFoundError:
            raise CheckpointError(f"{self.path} is not a clara run folder: {self.CONFIG} is missing.") from None
        except (OSError, ValueError) as exc:
            raise CheckpointError(f"Cannot read {self.config}: {exc}") from None
