"""Base of the per-epoch file loggers (private): rows kept in memory, file rewritten atomically."""

from __future__ import annotations

import os

import keras

from clara_keras.callbacks._config import ConfigMixin
from clara_keras.callbacks._monitor import scalar_logs


class FileLogger(ConfigMixin, keras.callbacks.Callback):
    def __init__(self, filename, append: bool = False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.append = bool(append)
        self.rows: list[dict] = []
        self._restored = False

    def on_train_begin(self, logs=None):
        if self._restored:
            self._restored = False
            return
        self.rows = self._read_existing() if self.append and os.path.exists(self.filename) else []

    def on_epoch_end(self, epoch, logs=None):
        if not self.append:  # a resumed epoch replaces its old row
            self.rows = [r for r in self.rows if r["epoch"] < epoch + 1]
        self.rows.append({"epoch": epoch + 1, **scalar_logs(logs)})
        self._write()

    def _read_existing(self) -> list[dict]:
        raise NotImplementedError

    def _write(self) -> None:
        raise NotImplementedError

    def get_state(self) -> dict:
        return {"rows": self.rows}

    def set_state(self, state: dict) -> None:
        self.rows = list(state.get("rows", []))
        self._restored = True

    def get_config(self):
        return {"filename": self.filename, "append": self.append}
