"""Per-epoch JSON log, crash-safe."""

from __future__ import annotations

import json
import math

from clara_keras import io_utils
from clara_keras.api_export import clara_export
from clara_keras.callbacks._file_logger import FileLogger

__all__ = ["JSONLogger"]


@clara_export("clara_keras.callbacks.JSONLogger")
class JSONLogger(FileLogger):
    """Write the per-epoch logs as a JSON list of objects, rewritten atomically each epoch.

    Keras has no JSON logger (only `LambdaCallback` recipes that append lines).
    Each epoch the file holds `[{"epoch": 1, "loss": ..., ...}, ...]`, written
    through `clara_keras.io_utils`; NaN/inf values are written as `null`.
    Rows are kept in the Trainer's resume state.

    Args:
        filename: String, path of the JSON file.
        append: Bool, start from the rows already in the file. Defaults to `False`.

    Example:

    ```python
    model.fit(x, y, epochs=5, callbacks=[clara_keras.callbacks.JSONLogger("history.json")])
    ```
    """

    def _read_existing(self):
        with open(self.filename) as f:
            rows = json.load(f)
        return [{k: (float("nan") if v is None else v) for k, v in r.items()} for r in rows]

    def _write(self):
        rows = [
            {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in r.items()} for r in self.rows
        ]
        io_utils.atomic_write_json(self.filename, rows)
