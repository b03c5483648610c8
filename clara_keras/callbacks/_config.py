"""`from_config` for callbacks (Keras callbacks have no config protocol) (private)."""

from __future__ import annotations


class ConfigMixin:
    """`from_config(get_config())` rebuilds an equal callback (its constructor arguments)."""

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)
