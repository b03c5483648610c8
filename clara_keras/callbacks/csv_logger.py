"""Per-epoch CSV log, crash-safe."""

from __future__ import annotations

import csv
import io

from clara_keras import io_utils
from clara_keras.api_export import clara_export
from clara_keras.callbacks._file_logger import FileLogger

__all__ = ["CSVLogger"]


def _number(text: str):
    if text == "":
        return float("nan")
    try:
        return int(text)
    except ValueError:
        return float(text)


@clara_export("clara_keras.callbacks.CSVLogger")
class CSVLogger(FileLogger):
    """Write one CSV row per epoch (`epoch` then every scalar log), rewritten atomically.

    `keras.callbacks.CSVLogger` appends to an open file: a crash can leave a
    torn last line and a resumed run duplicates epochs. This one rewrites the
    whole (small) file through `clara_keras.io_utils` each epoch, keeps its
    rows in the Trainer's resume state, and lets a resumed epoch replace its
    old row. Columns are the union of the keys seen (epochs without
    validation leave `val_*` cells empty).

    Args:
        filename: String, path of the CSV file.
        append: Bool, start from the rows already in the file. Defaults to `False`.

    Example:

    ```python
    model.fit(x, y, epochs=5, callbacks=[clara_keras.callbacks.CSVLogger("history.csv")])
    ```
    """

    def _read_existing(self):
        with open(self.filename, newline="") as f:
            return [{k: _number(v) for k, v in row.items()} for row in csv.DictReader(f)]

    def _write(self):
        keys = ["epoch"]
        for row in self.rows:
            keys += [k for k in row if k not in keys]
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=keys, restval="", lineterminator="\n")
        writer.writeheader()
        for row in self.rows:
            writer.writerow({k: (f"{v:.8g}" if isinstance(v, float) else v) for k, v in row.items()})
        io_utils.atomic_write_text(self.filename, buf.getvalue())
