"""One line per epoch with throughput and ETA, for long or logged runs."""

from __future__ import annotations

import datetime
import sys
import time

import keras

from clara_keras.api_export import clara_export
from clara_keras.callbacks._config import ConfigMixin
from clara_keras.callbacks._lr import check_positive
from clara_keras.callbacks._monitor import scalar_logs

__all__ = ["ProgressBar"]


@clara_export("clara_keras.callbacks.ProgressBar")
class ProgressBar(ConfigMixin, keras.callbacks.Callback):
    """Print `epoch 3/30 [###-------] 10% | loss 0.41 val_accuracy 0.93 | 1.2 s/epoch | ETA 0:00:32`.

    Keras's progress bar redraws per batch, which floods log files of long
    runs; this prints one line per `every` epochs (use it with `verbose=0`)
    with the mean epoch time and the estimated time left.

    Args:
        every: Integer >= 1, print every N epochs (and the last). Defaults to `1`.
        width: Integer >= 1, characters of the bar. Defaults to `20`.
        stream: File-like object. Defaults to `sys.stdout`.

    Example:

    ```python
    model.fit(x, y, epochs=300, verbose=0, callbacks=[clara_keras.callbacks.ProgressBar(every=10)])
    ```
    """

    def __init__(self, every: int = 1, width: int = 20, stream=None):
        super().__init__()
        self.every = check_positive("every", every, integer=True)
        self.width = check_positive("width", width, integer=True)
        self.stream = stream
        self._start = None
        self._first_epoch = 0

    def on_train_begin(self, logs=None):
        self._start = None

    def on_epoch_begin(self, epoch, logs=None):
        if self._start is None:
            self._start, self._first_epoch = time.monotonic(), epoch

    def on_epoch_end(self, epoch, logs=None):
        total = self.params.get("epochs") or epoch + 1
        done = epoch + 1
        if done % self.every and done != total:
            return
        per_epoch = (time.monotonic() - self._start) / max(1, done - self._first_epoch)
        filled = int(round(self.width * done / total))
        values = " ".join(f"{k} {v:.4g}" for k, v in scalar_logs(logs).items())
        eta = datetime.timedelta(seconds=int(round(per_epoch * (total - done))))
        line = (
            f"epoch {done}/{total} [{'#' * filled}{'-' * (self.width - filled)}] {100 * done // total}% | "
            f"{values} | {per_epoch:.2f} s/epoch | ETA {eta}"
        )
        stream = self.stream or sys.stdout
        stream.write(line + "\n")
        stream.flush()

    def get_config(self):
        return {"every": self.every, "width": self.width}
