"""Padding, causal and explicit attention masks merged into one (private; `keras.ops` only)."""

from __future__ import annotations

from keras import ops


def causal_mask(query_length, key_length):
    """`(1, T, S)` boolean lower-triangular mask: position `i` sees keys `<= i`."""
    rows = ops.expand_dims(ops.arange(query_length), 1)
    cols = ops.expand_dims(ops.arange(key_length), 0)
    return ops.expand_dims(ops.greater_equal(rows, cols), 0)


def merge_masks(query, key_padding_mask=None, attention_mask=None, causal=False, key=None):
    """One `(batch, T, S)` boolean mask (or `None`) from a `(batch, S)` padding mask,
    a `(batch, T, S)` attention mask and, if `causal`, a causal mask."""
    key = query if key is None else key
    mask = None
    if key_padding_mask is not None:
        mask = ops.expand_dims(ops.cast(key_padding_mask, "bool"), 1)
    if attention_mask is not None:
        explicit = ops.cast(attention_mask, "bool")
        mask = explicit if mask is None else ops.logical_and(mask, explicit)
    if causal:
        tri = causal_mask(ops.shape(query)[1], ops.shape(key)[1])
        mask = tri if mask is None else ops.logical_and(mask, tri)
    if mask is not None and len(mask.shape) == 3 and mask.shape[0] == 1:
        mask = ops.broadcast_to(mask, (ops.shape(query)[0], ops.shape(query)[1], ops.shape(key)[1]))
    return mask
