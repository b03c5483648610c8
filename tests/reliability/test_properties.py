"""Property-based tests (hypothesis): the CSV loader and the search-space parser.

- Random numeric tables written to CSV come back exactly through `load_data`.
- A random garbage line in a CSV is a `DataError` naming the file and that line, never another error.
- Random valid search keywords give a `SearchSpace` with exactly those values; bad keywords or
  values are a typed error naming them, never another exception type.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from clara_keras import params as P
from clara_keras.data import load_data
from clara_keras.errors import ConfigError
from clara_keras.errors import DataError
from clara_keras.errors import ParamTypeError
from clara_keras.optimizers import SEARCH_KEYWORDS
from clara_keras.optimizers import SearchSpace

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)
CLASSES = ["c0", "c1", "c2"]

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
tables = hnp.arrays(np.float64, st.tuples(st.integers(1, 12), st.integers(1, 5)), elements=finite)


def _write_csv(folder: Path, table: np.ndarray, labels: list[int] | None) -> Path:
    ncols = table.shape[1]
    names = [f"f{j}" for j in range(ncols)] + (["label"] if labels is not None else [])
    lines = [",".join(names)]
    for i, row in enumerate(table):
        cells = [repr(float(v)) for v in row]
        if labels is not None:
            cells.append(CLASSES[labels[i]])
        lines.append(",".join(cells))
    path = folder / "table.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


# -- CSV loader ------------------------------------------------------------------------------------


@SETTINGS
@given(table=tables, data=st.data())
def test_numeric_csv_round_trips_exactly(table, data):
    labels = data.draw(st.lists(st.integers(0, 2), min_size=len(table), max_size=len(table)))
    with tempfile.TemporaryDirectory() as tmp:
        path = _write_csv(Path(tmp), table, labels)
        exact = load_data(path, CLASSES, dtype="float64")
        with np.errstate(over="ignore"):
            overflows = not np.isfinite(table.astype(np.float32)).all()
        if overflows:  # values beyond float32's range are refused (see csv_value_overflows_float32)
            with pytest.raises(DataError, match="NaN or infinite"):
                load_data(path, CLASSES)
            return
        default = load_data(path, CLASSES)
    assert exact["X"].dtype == np.float64 and exact["X"].shape == table.shape
    np.testing.assert_array_equal(exact["X"], table)
    np.testing.assert_array_equal(exact["y"], np.asarray(labels))
    assert exact["classes"] == CLASSES
    assert exact.meta["columns"] == [f"f{j}" for j in range(table.shape[1])] + ["label"]
    # The default dtype is float32: the same values, rounded once.
    assert default["X"].dtype == np.float32
    np.testing.assert_array_equal(default["X"], table.astype(np.float32))


@SETTINGS
@given(table=tables)
def test_unlabeled_numeric_csv_round_trips_exactly(table):
    with tempfile.TemporaryDirectory() as tmp:
        path = _write_csv(Path(tmp), table, None)
        ds = load_data(path, dtype="float64")
    assert not ds.labeled
    np.testing.assert_array_equal(ds["X"], table)


# Printable ASCII without the quote character (a quote opens a multi-line field, a different test)
# and with an '@', which is neither a number nor one of the class names, so the line is always bad.
garbage_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126, exclude_characters='"'), max_size=20)


@SETTINGS
@given(table=tables, data=st.data(), before=garbage_text, after=garbage_text)
def test_garbage_line_is_a_data_error_naming_the_line(table, data, before, after):
    labels = [i % 3 for i in range(len(table))]
    k = data.draw(st.integers(0, len(table) - 1), label="row")
    garbage = before + "@" + after
    with tempfile.TemporaryDirectory() as tmp:
        path = _write_csv(Path(tmp), table, labels)
        lines = path.read_text().splitlines()
        lines[k + 1] = garbage  # line 1 is the header
        path.write_text("\n".join(lines) + "\n")
        with pytest.raises(DataError) as info:
            load_data(path, CLASSES)
    assert type(info.value) is DataError
    assert f"{path}:{k + 2}" in str(info.value)


@SETTINGS
@given(raw=st.binary(min_size=1, max_size=20))
@example(raw=b"\xff\xfe")
def test_binary_garbage_line_is_a_data_error(raw):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "table.csv"
        path.write_bytes(b"f0,label\n1.0,c0\n" + raw.replace(b"\n", b"@").replace(b"\r", b"@") + b"@\n")
        with pytest.raises(DataError):
            load_data(path, CLASSES)


# -- search-space parser ---------------------------------------------------------------------------

# For each searchable parameter: its keyword spellings and a strategy of valid values.
VALID = {
    "learning_rate": (("lr", "learning_rate"), st.floats(1e-6, 1.0)),
    "momentum": (("momentum",), st.floats(0.0, 0.99)),
    "decay": (("decay", "weight_decay"), st.floats(0.0, 0.5)),
    "clipnorm": (("clipnorm",), st.floats(1e-3, 10.0)),
    "batch_size": (("batch_size",), st.integers(1, 1024)),
    "optimizer": (("optimizer",), st.sampled_from(P.OPTIMIZERS)),
}


@st.composite
def keyword_sets(draw):
    """A dict of search keywords: each chosen parameter once (under one of its spellings), as a list or one value."""
    chosen = draw(st.lists(st.sampled_from(sorted(VALID)), min_size=1, max_size=len(VALID), unique=True))
    keywords, searched, fixed = {}, {}, {}
    for name in chosen:
        spellings, values = VALID[name]
        key = draw(st.sampled_from(spellings))
        if draw(st.booleans()):
            value = draw(st.lists(values, min_size=1, max_size=4, unique=True))
            keywords[key] = value
            searched[key] = value
        else:
            value = draw(values)
            keywords[key] = value
            fixed[key] = value
    if draw(st.booleans()):
        lmbda = draw(st.lists(st.floats(0.0, 1e-2), min_size=1, max_size=3, unique=True))
        keywords["lmbda"] = searched["lmbda"] = lmbda
        keywords["regularization"] = fixed["regularization"] = draw(st.sampled_from(P.REGULARIZERS))
    return keywords, searched, fixed


@SETTINGS
@given(spec=keyword_sets())
def test_valid_keywords_give_exactly_those_values(spec):
    import keras_tuner

    keywords, searched, fixed = spec
    space = SearchSpace(keywords)
    assert space.searched == searched
    assert space.fixed == fixed
    hp = space.declare(keras_tuner.HyperParameters())
    assert sorted(h.name for h in hp.space) == sorted(searched)
    for h in hp.space:
        assert list(h.values) == searched[h.name]
    # One trial's values become set_params-ready parameters, under canonical names.
    trial = {k: v[-1] for k, v in searched.items()}
    params = space.params_for(trial)
    for key, value in {**fixed, **trial}.items():
        if key in ("lmbda", "regularization"):
            continue
        assert params[P.canonical_name(key)] == value
    if "regularization" in fixed:
        assert params["regularizer"] == {"name": fixed["regularization"], "value": trial["lmbda"]}
    P.validate_params(params)  # the schema accepts what the space produces


unknown_keywords = st.text(min_size=1, max_size=12).filter(lambda s: s not in SEARCH_KEYWORDS)


@SETTINGS
@given(name=unknown_keywords, values=st.lists(st.floats(1e-4, 1.0), min_size=1, max_size=3))
def test_unknown_keyword_is_a_config_error_naming_it(name, values):
    with pytest.raises(ConfigError) as info:
        SearchSpace({name: values})
    assert type(info.value) is ConfigError
    assert repr(name) in str(info.value)


bad_positive = st.one_of(
    st.floats(max_value=0.0, allow_nan=False),
    st.just(math.inf),
    st.just(math.nan),
    st.text(max_size=5),
    st.booleans(),
)


@SETTINGS
@given(
    key=st.sampled_from(["lr", "learning_rate", "clipnorm", "batch_size"]),
    good=st.lists(st.floats(1e-3, 1.0), max_size=2, unique=True),
    bad=bad_positive,
    as_list=st.booleans(),
)
def test_bad_value_is_a_typed_error_naming_it(key, good, bad, as_list):
    if key == "batch_size":
        good = [int(1 + 100 * g) for g in good]
        good = list(dict.fromkeys(good))
    value = [*good, bad] if as_list else bad
    with pytest.raises((ConfigError, ParamTypeError)) as info:
        SearchSpace({key: value})
    assert type(info.value) in (ConfigError, ParamTypeError)
    assert f"{key}={bad!r}" in str(info.value) or repr(bad) in str(info.value)


@SETTINGS
@given(
    reg=st.one_of(st.text(max_size=6).filter(lambda s: s.lower() not in P.REGULARIZERS), st.integers()),
    lmbda=st.lists(st.floats(0.0, 1e-2), min_size=1, max_size=2, unique=True),
)
def test_bad_regularization_is_a_config_error(reg, lmbda):
    with pytest.raises(ConfigError) as info:
        SearchSpace({"lmbda": lmbda, "regularization": reg})
    assert f"regularization={reg!r}" in str(info.value)


@SETTINGS
@given(lmbda=st.lists(st.floats(0.0, 1e-2), min_size=1, max_size=3, unique=True))
def test_lmbda_without_regularization_is_refused(lmbda):
    with pytest.raises(ConfigError, match="`lmbda` was given without `regularization`"):
        SearchSpace({"lmbda": lmbda})
