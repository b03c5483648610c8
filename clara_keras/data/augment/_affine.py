"""Vectorised NumPy affine resampling for the geometric ops (rotation, zoom), every Keras fill mode."""

from __future__ import annotations

import numpy as np

from clara_keras.errors import ConfigError

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("bilinear", "nearest")


def check_fill(fill_mode: str, interpolation: str) -> None:
    if fill_mode not in FILL_MODES:
        raise ConfigError(
            f"Received an invalid value for `fill_mode`, expected one of {FILL_MODES}. Received: fill_mode={fill_mode!r}"
        )
    if interpolation not in INTERPOLATIONS:
        raise ConfigError(
            f"Received an invalid value for `interpolation`, expected one of {INTERPOLATIONS}. "
            f"Received: interpolation={interpolation!r}"
        )


def check_factor(name: str, factor, allow_none: bool = False):
    """``factor`` -> ``(low, high)``; a number ``f`` means ``(-f, f)``."""
    if factor is None and allow_none:
        return None
    if isinstance(factor, (int, float)) and not isinstance(factor, bool):
        low, high = -abs(float(factor)), abs(float(factor))
    else:
        try:
            low, high = (float(v) for v in factor)
        except (TypeError, ValueError):
            raise ConfigError(
                f"Received an invalid value for `{name}`, expected a number or (low, high). Received: {name}={factor!r}"
            ) from None
    if low > high:
        raise ConfigError(f"`{name}` must have low <= high. Received: {name}={factor!r}")
    return low, high


def _map_index(i: np.ndarray, n: int, fill_mode: str):
    """Integer coordinates -> valid indices, and a mask of those that fall outside (constant mode)."""
    if fill_mode == "nearest":
        return np.clip(i, 0, n - 1), None
    if fill_mode == "wrap":
        return np.mod(i, n), None
    if fill_mode == "reflect":  # (d c b a | a b c d | d c b a)
        m = np.mod(i, 2 * n)
        return np.where(m < n, m, 2 * n - 1 - m), None
    outside = (i < 0) | (i >= n)
    return np.clip(i, 0, n - 1), outside


def affine_resample(images: np.ndarray, inverse: np.ndarray, fill_mode: str, interpolation: str, fill_value: float):
    """Resample ``images`` ``(n, h, w, c)`` where output pixel ``(y, x)`` reads input ``inverse[k] @ (y, x, 1)``.

    ``inverse`` has shape ``(n, 2, 3)``. Returns ``float32``.
    """
    n, h, w, c = images.shape
    src = images.astype(np.float32, copy=False)
    yy, xx = np.meshgrid(np.arange(h, dtype=np.float32), np.arange(w, dtype=np.float32), indexing="ij")
    grid = np.stack([yy.ravel(), xx.ravel(), np.ones(h * w, dtype=np.float32)])  # (3, h*w)
    coords = np.einsum("nij,jp->nip", inverse.astype(np.float32), grid)  # (n, 2, h*w)
    sy, sx = coords[:, 0], coords[:, 1]
    batch = np.arange(n)[:, None]
    if interpolation == "nearest":
        iy, oy = _map_index(np.rint(sy).astype(np.int64), h, fill_mode)
        ix, ox = _map_index(np.rint(sx).astype(np.int64), w, fill_mode)
        out = src[batch, iy, ix]
        if oy is not None:
            out[oy | ox] = fill_value
        return out.reshape(n, h, w, c)
    y0 = np.floor(sy)
    x0 = np.floor(sx)
    wy = (sy - y0)[..., None]
    wx = (sx - x0)[..., None]
    y0 = y0.astype(np.int64)
    x0 = x0.astype(np.int64)
    out = np.zeros((n, h * w, c), dtype=np.float32)
    for dy, fy in ((0, 1.0 - wy), (1, wy)):
        iy, oy = _map_index(y0 + dy, h, fill_mode)
        for dx, fx in ((0, 1.0 - wx), (1, wx)):
            ix, ox = _map_index(x0 + dx, w, fill_mode)
            vals = src[batch, iy, ix]
            if oy is not None:
                vals = np.where((oy | ox)[..., None], np.float32(fill_value), vals)
            out += fy * fx * vals
    return out.reshape(n, h, w, c)


def centred(matrices: np.ndarray, h: int, w: int) -> np.ndarray:
    """Turn ``(n, 2, 2)`` linear maps about the image centre into ``(n, 2, 3)`` affine maps on pixel indices."""
    cy, cx = (h - 1) / 2.0, (w - 1) / 2.0
    centre = np.array([cy, cx], dtype=np.float64)
    offset = centre - np.einsum("nij,j->ni", matrices, centre)
    return np.concatenate([matrices, offset[..., None]], axis=2)
