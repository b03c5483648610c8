"""The dict-like result of `clara_keras.train`."""

from __future__ import annotations

__all__ = ["TrainResult"]


class TrainResult(dict):
    """Scores of a run (`result["test_accuracy"]`, `result["best_epoch"]`, ...) plus `history`, `model`, `trainer`.

    It is a plain `dict` of JSON-safe values (what `result.json` holds), with
    the per-epoch history, the trained model (best weights loaded) and the
    `Trainer` as attributes.

    Example:

    ```python
    result = clara_keras.train(model, data, epochs=10)
    result["test_accuracy"], result["best_epoch"], result.history["val_loss"]
    ```
    """

    def __init__(self, scores: dict, history: dict, model=None, trainer=None):
        super().__init__(scores)
        self.history = history
        self.model = model
        self.trainer = trainer

    def __repr__(self) -> str:
        shown = {k: v for k, v in self.items() if k.startswith("test_") or k in ("best_epoch", "best_score")}
        return f"TrainResult({shown})"
