"""`Compose`: apply several image ops in order, as one op."""

from __future__ import annotations

import inspect

import numpy as np

from clara_keras.api_export import clara_export
from clara_keras.data.augment.augmentation import Augmentation
from clara_keras.errors import ParamTypeError

__all__ = ["Compose", "accepts_seed"]


def accepts_seed(fn) -> bool:
    """Whether ``fn`` can be called as ``fn(x, seed=...)``."""
    if isinstance(fn, Augmentation):
        return True
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return "seed" in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


@clara_export("clara_keras.data.augment.Compose")
class Compose(Augmentation):
    """Chain image ops (any callables) into one, like torchvision's ``Compose``.

    Each op gets its own seed derived from the call's seed, so the chain is
    reproducible. Plain callables without a `seed` argument are called as
    ``fn(images)``.

    Args:
        ops: List of ops (`clara_keras.data.augment` ops or callables).
        seed: Non-negative integer or `None`. Defaults to `None`.

    Example:

    ```python
    from clara_keras.data import augment

    train_tf = augment.Compose([
        augment.RandomCrop(32, 32, padding=4),
        augment.RandomHorizontalFlip(),
        augment.ToFloat(),
        augment.Normalize(mean=(0.5, 0.5, 0.5), std=(0.25, 0.25, 0.25)),
    ], seed=0)
    ```
    """

    random = True

    def __init__(self, ops, seed: int | None = None):
        super().__init__(seed=seed)
        ops = list(ops)
        for op in ops:
            if not callable(op):
                raise ParamTypeError(f"Compose expects callables (image ops). Received: {op!r}")
        self.ops = ops
        self._seeded = [accepts_seed(op) for op in ops]

    def apply(self, images, seed):
        seeds = np.random.SeedSequence(seed).generate_state(max(len(self.ops), 1))
        x = images
        for op, seeded, s in zip(self.ops, self._seeded, seeds):
            x = op(x, seed=int(s) >> 1) if seeded else op(x)
            x = np.asarray(x)
        return x

    def get_config(self):
        import keras

        return {"ops": [keras.saving.serialize_keras_object(op) for op in self.ops], **super().get_config()}

    @classmethod
    def from_config(cls, config):
        import keras

        config = dict(config)
        config["ops"] = [keras.saving.deserialize_keras_object(op) for op in config["ops"]]
        return cls(**config)
