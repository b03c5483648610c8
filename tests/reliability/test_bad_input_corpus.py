"""The bad-input corpus: every bad input to the public API is a typed `clara_keras.errors` error naming the value.

One table, `CASES`, drives the test: each row is a call with one bad input, the exact error class it
must raise and a phrase of the message that names the bad value (or the file and line). The CLI rows
(`CLI_CASES`) assert exit status 2 and one line on stderr. The total count is printed at the end of
the run (see `conftest.py`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from pathlib import Path

import keras
import numpy as np
import pytest

import clara_keras as clara
from clara_keras import cli
from clara_keras import errors
from clara_keras import layers as cl
from clara_keras import params as P
from clara_keras.data import DataGenerator
from clara_keras.data import Dataset
from clara_keras.data import augment
from clara_keras.data import load_arrays
from clara_keras.data import load_data
from clara_keras.optimizers import GridSearchOptimizer
from clara_keras.optimizers import RandomSearchOptimizer
from clara_keras.optimizers import SearchSpace
from clara_keras.optimizers import SimulatedAnnealingOptimizer
from clara_keras.training import Trainer

ConfigError = errors.ConfigError
ParamTypeError = errors.ParamTypeError
DataError = errors.DataError
ShapeError = errors.ShapeError
CheckpointError = errors.CheckpointError
UnsafeFileError = errors.UnsafeFileError


@dataclasses.dataclass(frozen=True)
class Case:
    """One bad input: ``call(tmp)`` must raise exactly ``error`` with ``phrase`` in the message.

    ``phrase`` may hold ``{tmp}``, replaced by the test's temporary folder (file paths in messages).
    """

    id: str
    call: Callable[[Path], object]
    error: type
    phrase: str


# -- small helpers ---------------------------------------------------------------------------------


def _write(tmp: Path, name: str, content: str | bytes) -> Path:
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def _csv(tmp: Path, content: str, name: str = "train.csv", **options):
    return load_data(_write(tmp, name, content), **options)


def _classes(tmp: Path, names=("cat", "dog")) -> Path:
    return _write(tmp, "classes.txt", "\n".join(names) + "\n")


def _png(path: Path, size=(4, 4)) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.zeros((*size, 3), dtype=np.uint8)).save(path)


def _arrays(n: int = 12, d: int = 4):
    rng = np.random.default_rng(0)
    return rng.random((n, d)).astype("float32"), (np.arange(n) % 3).astype("int64")


def _dataset(n: int = 12) -> Dataset:
    x, y = _arrays(n)
    return Dataset(X=x, y=y, classes=["a", "b", "c"])


def _model(compiled: bool = True) -> clara.Model:
    model = clara.Model(type="classification", input_shape=(4,), layers=[cl.DenseLayer(units=3)])
    if compiled:
        model.compile()
    return model


def _set(params):
    return lambda tmp: _model(compiled=False).set_params(params)


def _build(layer, shape):
    """Put the layer in a model on inputs of ``shape`` (batch axis first), as a user would."""
    return lambda tmp: keras.Sequential([keras.Input(shape[1:]), layer()])


def _random_search(**kwargs):
    def call(tmp):
        kwargs.setdefault("directory", tmp / "search")
        kwargs.setdefault("verbose", 0)
        return RandomSearchOptimizer(model=kwargs.pop("model", _model(compiled=False)), dataset=_arrays(), **kwargs)

    return call


def _trainer(**kwargs):
    def call(tmp):
        kwargs.setdefault("run_dir", tmp / "run")
        kwargs.setdefault("verbose", 0)
        return Trainer(kwargs.pop("model", _model()), train=kwargs.pop("train", _arrays()), **kwargs)

    return call


def _trainer_fit(**kwargs):
    return lambda tmp: _trainer(**kwargs)(tmp).fit()


def _generator(dataset=None, **kwargs):
    return lambda tmp: DataGenerator(_dataset() if dataset is None else dataset, **kwargs)


def _first_batch(**kwargs):
    return lambda tmp: DataGenerator(_dataset(), **kwargs)[0]


def _images(tmp: Path, **options):
    return load_data(tmp / "images", **options)


def _undecodable_folder(tmp: Path):
    _png(tmp / "images" / "cat" / "a.png")
    _write(tmp, "images/cat/b.png", b"\x89PNG\r\n\x1a\nthis is not an image")
    ds = _images(tmp)
    return DataGenerator(ds, batch_size=2, shuffle=False)[0]


def _mixed_sizes_folder(tmp: Path):
    _png(tmp / "images" / "cat" / "a.png", (4, 4))
    _png(tmp / "images" / "cat" / "b.png", (6, 5))
    return _images(tmp)["X"][[0, 1]]


def _images_not_a_class(tmp: Path):
    _png(tmp / "images" / "cat" / "a.png")
    _png(tmp / "images" / "bird" / "a.png")
    return _images(tmp, classes=["cat", "dog"])


def _empty_folder(tmp: Path):
    (tmp / "images").mkdir()
    return _images(tmp)


def _image_size_zero(tmp: Path):
    _png(tmp / "images" / "cat" / "a.png")
    return _images(tmp, image_size=(0, 4))


def _pickled_npz(tmp: Path):
    np.savez(tmp / "data.npz", X=np.array([{"a": 1}, None], dtype=object))
    return load_data(tmp / "data.npz")


def _sampler_out_of_range(tmp: Path):
    return DataGenerator(_dataset(), sampler=lambda dataset, epoch: np.arange(dataset.num_samples) + 5)


def _resume_with_other_lr(tmp: Path):
    _write(tmp, "run/config.json", '{"trainer": {"epochs": 3, "batch_size": 64}, "params": {"learning_rate": 0.002}}')
    return tmp / "run"


def _test_wrong_shape(tmp: Path):
    trainer = _trainer()(tmp)
    return trainer.test(data=(np.zeros((5, 7), "float32"), np.zeros(5, "int64")))


def _validation_wrong_shape(tmp: Path):
    return _trainer(validation=(np.zeros((5, 7), "float32"), np.zeros(5, "int64")), epochs=1)(tmp).fit()


GOOD_CSV = "a,b,label\n1,2,cat\n3,4,dog\n"

CASES: list[Case] = [
    # -- layers ----------------------------------------------------------------------------------
    Case("dense_units_zero", lambda tmp: cl.DenseLayer(units=0), ConfigError, "units=0"),
    Case("model_input_shape_negative", lambda tmp: clara.Model(input_shape=(-1,)), ConfigError, "input_shape=(-1,)"),
    Case("model_input_shape_empty", lambda tmp: clara.Model(input_shape=()), ConfigError, "input_shape=()"),
    Case("dense_units_negative", lambda tmp: cl.DenseLayer(units=-3), ConfigError, "units=-3"),
    Case("dense_units_float", lambda tmp: cl.DenseLayer(units=2.5), ConfigError, "units=2.5"),
    Case(
        "dense_unknown_activation",
        lambda tmp: cl.DenseLayer(units=2, activation="relux"),
        ConfigError,
        "activation='relux'",
    ),
    Case("conv2d_filters_zero", lambda tmp: cl.Conv2DLayer(filters=0), ConfigError, "filters=0"),
    Case(
        "conv2d_kernel_rank",
        lambda tmp: cl.Conv2DLayer(filters=4, kernel_size=(3,)),
        ConfigError,
        "kernel_size=(3,)",
    ),
    Case("conv2d_padding", lambda tmp: cl.Conv2DLayer(filters=4, padding="full"), ConfigError, "padding='full'"),
    Case(
        "conv2d_kernel_larger_than_input",
        _build(lambda: cl.Conv2DLayer(filters=4, kernel_size=(5, 5)), (None, 3, 3, 1)),
        ShapeError,
        "kernel_size=(5, 5)",
    ),
    Case("dropout_rate", lambda tmp: cl.DropoutLayer(1.5), ConfigError, "dropout_prob=1.5"),
    Case("max_pool_zero", lambda tmp: cl.MaxPooling2DLayer(pool_size=(0, 2)), ConfigError, "pool_size=(0, 2)"),
    Case("lstm_units", lambda tmp: cl.LSTMLayer(units=0), ConfigError, "units=0"),
    Case("embedding_input_dim", lambda tmp: cl.EmbeddingLayer(input_dim=-1, output_dim=4), ConfigError, "input_dim=-1"),
    Case("bidirectional_not_a_layer", lambda tmp: cl.BidirectionalLayer("lstm"), ParamTypeError, "layer='lstm'"),
    Case(
        "attention_heads",
        lambda tmp: cl.MultiHeadAttentionLayer(num_heads=0, key_dim=4),
        ConfigError,
        "num_heads=0",
    ),
    Case(
        "reshape_two_unknown",
        lambda tmp: cl.ReshapeLayer(target_shape=(-1, -1)),
        ConfigError,
        "target_shape=(-1, -1)",
    ),
    Case(
        "reshape_size_mismatch",
        _build(lambda: cl.ReshapeLayer(target_shape=(5, 2)), (None, 12)),
        ShapeError,
        "target_shape=(5, 2)",
    ),
    Case(
        "transformer_heads_do_not_divide",
        _build(lambda: cl.TransformerEncoderLayer(intermediate_dim=8, num_heads=3), (None, 5, 8)),
        ShapeError,
        "num_heads=3",
    ),
    Case(
        "layer_norm_epsilon",
        lambda tmp: cl.LayerNormalizationLayer(epsilon=0.0),
        ConfigError,
        "epsilon=0.0",
    ),
    # -- clara.Model, set_params, clara_keras.params --------------------------------------------
    Case("model_type", lambda tmp: clara.Model(type="classifcation"), ConfigError, "type='classifcation'"),
    Case("model_add_not_layer", lambda tmp: clara.Model().add("dense"), ParamTypeError, "Received: 'dense'"),
    Case("param_unknown", _set({"lrate": 0.1}), ConfigError, "Unknown parameter 'lrate'"),
    Case("param_lr_negative", _set({"lr": -1}), ConfigError, "lr=-1"),
    Case("param_lr_inf", _set({"learning_rate": math.inf}), ConfigError, "learning_rate=inf"),
    Case("param_lr_string", _set({"lr": "0.1"}), ConfigError, "lr='0.1'"),
    Case("param_optimizer_typo", _set({"optimizer": "adamm"}), ConfigError, "Did you mean 'adam'?"),
    Case("param_optimizer_type", _set({"optimizer": 3}), ParamTypeError, "Received: 3"),
    Case("param_momentum_one", _set({"momentum": 1.0}), ConfigError, "momentum=1.0"),
    Case("param_batch_size_zero", _set({"batch_size": 0}), ConfigError, "batch_size=0"),
    Case("param_batch_size_float", _set({"batch_size": 3.5}), ConfigError, "batch_size=3.5"),
    Case("param_epochs_bool", _set({"epochs": True}), ConfigError, "epochs=True"),
    Case(
        "param_regularizer_name",
        _set({"regularizer": {"name": "l3", "value": 1e-3}}),
        ConfigError,
        "Unknown regularizer name 'l3'",
    ),
    Case(
        "param_regularizer_value",
        _set({"regularizer": {"name": "l2", "value": -1.0}}),
        ConfigError,
        "regularizer['value']=-1.0",
    ),
    Case(
        "param_regularizer_key",
        _set({"regularization": {"name": "l2", "lambda": 1e-3}}),
        ConfigError,
        "['lambda']",
    ),
    Case("param_regularizer_type", _set({"regularizer": 0.1}), ParamTypeError, "Received: 0.1"),
    Case("param_alias_twice", _set({"lr": 0.1, "learning_rate": 0.2}), ConfigError, "'learning_rate' was given twice"),
    Case("param_jit_compile", _set({"jit_compile": "yes"}), ConfigError, "jit_compile='yes'"),
    Case("param_metrics_type", _set({"metrics": 3}), ParamTypeError, "Received: 3"),
    Case("params_not_a_dict", _set([("lr", 0.1)]), ParamTypeError, "[('lr', 0.1)]"),
    Case("params_key_not_str", lambda tmp: P.validate_param(3, 0.1), ParamTypeError, "Received: 3"),
    # -- load_data ------------------------------------------------------------------------------
    Case(
        "csv_ragged_row",
        lambda tmp: _csv(tmp, "a,b,label\n1,2,0\n3,0\n4,5,1\n"),
        DataError,
        "{tmp}/train.csv:3: ragged row, expected 3 fields",
    ),
    Case(
        "csv_non_numeric",
        lambda tmp: _csv(tmp, "a,b,label\n1,2,0\n3,4,1\n5,abc,0\n"),
        DataError,
        "{tmp}/train.csv:4: non-numeric value 'abc' in column 'b'",
    ),
    Case(
        "csv_non_numeric_no_header",
        lambda tmp: _csv(tmp, "1,2\n3,4\n5,x7\n", header=False),
        DataError,
        "{tmp}/train.csv:3: non-numeric value 'x7' in column 1",
    ),
    Case(
        "csv_label_not_in_classes",
        lambda tmp: _csv(tmp, "a,b,label\n1,2,cat\n3,4,bird\n", classes=_classes(tmp)),
        DataError,
        "{tmp}/train.csv:3: label 'bird' is not in the 2 classes",
    ),
    Case(
        "csv_label_index_out_of_range",
        lambda tmp: _csv(tmp, "a,label\n1,0\n2,5\n", classes=_classes(tmp)),
        DataError,
        "{tmp}/train.csv:3: label '5' is not in the 2 classes",
    ),
    Case("csv_empty_file", lambda tmp: _csv(tmp, ""), DataError, "'{tmp}/train.csv' is empty"),
    Case("csv_header_only", lambda tmp: _csv(tmp, "a,b,label\n"), DataError, "has a header but no data rows"),
    Case(
        "csv_nan",
        lambda tmp: _csv(tmp, "a,b,label\n1,2,0\nnan,4,1\n"),
        DataError,
        "NaN or infinite feature values in 1 row(s): {tmp}/train.csv:3",
    ),
    Case(
        "csv_inf",
        lambda tmp: _csv(tmp, "a,b,label\n1,2,0\n3,4,1\n5,-inf,0\n"),
        DataError,
        "{tmp}/train.csv:4",
    ),
    Case(
        "csv_image_shape_mismatch",
        lambda tmp: _csv(tmp, "1,2,3,4\n5,6,7,8\n", image_shape=(3, 3)),
        ShapeError,
        "image_shape=(3, 3)",
    ),
    Case(
        "csv_unknown_label_column",
        lambda tmp: _csv(tmp, GOOD_CSV, label_column="lable"),
        ConfigError,
        "no column 'lable'",
    ),
    Case(
        "csv_missing_image_file",
        lambda tmp: _csv(tmp, "image,label\nmissing.png,0\n"),
        DataError,
        "{tmp}/train.csv:2: image file not found",
    ),
    Case("csv_header_option", lambda tmp: _csv(tmp, GOOD_CSV, header="yes"), ConfigError, "Received: 'yes'"),
    Case("csv_nonfinite_policy", lambda tmp: _csv(tmp, GOOD_CSV, nonfinite="skip"), ConfigError, "nonfinite='skip'"),
    Case("load_unknown_option", lambda tmp: _csv(tmp, GOOD_CSV, image_sise=8), ConfigError, "option 'image_sise'"),
    Case("load_missing_file", lambda tmp: load_data(tmp / "nope.csv"), DataError, "not found: '{tmp}/nope.csv'"),
    Case("load_unknown_suffix", lambda tmp: load_data(_write(tmp, "x.xyz", "1")), ConfigError, "suffix '.xyz'"),
    Case("load_wrong_type", lambda tmp: load_data(42), ParamTypeError, "Received: int"),
    Case(
        "classes_file_missing",
        lambda tmp: _csv(tmp, GOOD_CSV, classes=tmp / "classes.txt"),
        DataError,
        "Classes file not found: '{tmp}/classes.txt'",
    ),
    Case(
        "classes_duplicate",
        lambda tmp: _csv(tmp, GOOD_CSV, classes=_classes(tmp, ("cat", "dog", "cat"))),
        DataError,
        "'cat' appears twice",
    ),
    Case("image_folder_empty", _empty_folder, DataError, "'{tmp}/images' is empty"),
    Case("image_folder_not_a_class", _images_not_a_class, DataError, "'{tmp}/images/bird' is not one of"),
    Case("image_undecodable", _undecodable_folder, DataError, "Could not decode image '{tmp}/images/cat/b.png'"),
    Case("image_shape_mismatch", _mixed_sizes_folder, ShapeError, "'{tmp}/images/cat/b.png' has shape (6, 5, 3)"),
    Case("image_size_option", _image_size_zero, ConfigError, "image_size=(0, 4)"),
    Case("npz_pickled", _pickled_npz, UnsafeFileError, "'{tmp}/data.npz' holds pickled Python objects"),
    Case(
        "arrays_length_mismatch",
        lambda tmp: load_arrays(np.zeros((4, 2)), np.zeros(3)),
        ShapeError,
        "X has 4 samples but y has 3 labels",
    ),
    Case(
        "arrays_nan",
        lambda tmp: load_arrays(np.array([[1.0, np.nan], [2.0, 3.0]]), np.array([0, 1])),
        DataError,
        "arrays sample 0",
    ),
    Case("arrays_empty", lambda tmp: load_arrays(np.zeros((0, 3))), DataError, "X is empty (0 samples)"),
    Case(
        "arrays_label_out_of_classes",
        lambda tmp: load_arrays(np.zeros((2, 2)), np.array([0, 4]), classes=["a", "b"]),
        DataError,
        "sample 1: label 4 is not in the 2 classes",
    ),
    # -- DataGenerator --------------------------------------------------------------------------
    Case("generator_batch_size_zero", _generator(batch_size=0), ConfigError, "batch_size=0"),
    Case("generator_batch_size_negative", _generator(batch_size=-4), ConfigError, "batch_size=-4"),
    Case("generator_batch_size_float", _generator(batch_size=8.0), ConfigError, "batch_size=8.0"),
    Case("generator_workers_negative", _generator(workers=-1), ConfigError, "Received: -1"),
    Case("generator_unknown_kwarg", _generator(worker=2), ConfigError, "Did you mean 'workers'?"),
    Case("generator_sampler_name", _generator(sampler="shuffled"), ConfigError, "sampler='shuffled'"),
    Case("generator_sampler_out_of_range", _sampler_out_of_range, DataError, "outside 0..11"),
    Case(
        "generator_drop_last_no_batch",
        _generator(batch_size=64, drop_last=True),
        DataError,
        "12 samples per epoch, batch_size=64",
    ),
    Case("generator_augmentation_type", _generator(augmentation=[3]), ParamTypeError, "Received: 3"),
    Case("generator_shuffle_type", _generator(shuffle="yes"), ParamTypeError, "shuffle='yes'"),
    Case("generator_seed_negative", _generator(seed=-1), ConfigError, "seed=-1"),
    Case(
        "generator_empty_dataset",
        _generator(Dataset(X=np.zeros((0, 4)), y=np.zeros(0, "int64"))),
        DataError,
        "0 samples",
    ),
    Case(
        "generator_preprocess_changes_batch",
        _first_batch(batch_size=4, preprocess=lambda x: x[:1]),
        ShapeError,
        "expected 4 samples, got shape (1, 4)",
    ),
    # -- augmentations --------------------------------------------------------------------------
    Case("crop_height_zero", lambda tmp: augment.RandomCrop(0, 32), ConfigError, "height=0"),
    Case("crop_padding_negative", lambda tmp: augment.RandomCrop(8, 8, padding=-1), ConfigError, "Received: -1"),
    Case("crop_pad_mode", lambda tmp: augment.RandomCrop(8, 8, pad_mode="mirror"), ConfigError, "Received: 'mirror'"),
    Case(
        "crop_larger_than_image",
        lambda tmp: augment.RandomCrop(8, 8)(np.zeros((2, 4, 4, 3), "uint8")),
        ShapeError,
        "received 4x4",
    ),
    Case(
        "rotation_fill_mode",
        lambda tmp: augment.RandomRotation(0.1, fill_mode="mirror"),
        ConfigError,
        "fill_mode='mirror'",
    ),
    Case("rotation_factor_order", lambda tmp: augment.RandomRotation((0.3, 0.1)), ConfigError, "factor=(0.3, 0.1)"),
    Case("zoom_factor", lambda tmp: augment.RandomZoom((-1.5, 0.2)), ConfigError, "(-1.5, 0.2)"),
    Case("normalize_std_zero", lambda tmp: augment.Normalize(mean=0.5, std=0.0), ConfigError, "std=[0.0]"),
    Case(
        "normalize_channels",
        lambda tmp: augment.Normalize(mean=(0.5, 0.5), std=(1.0, 1.0))(np.zeros((1, 2, 2, 3), "float32")),
        ShapeError,
        "2 mean values but the images have 3 channels",
    ),
    Case(
        "augment_rank",
        lambda tmp: augment.RandomHorizontalFlip()(np.zeros((4, 4))),
        ShapeError,
        "shape (4, 4)",
    ),
    Case("resize_zero", lambda tmp: augment.Resize(0, 4), ConfigError, "height=0"),
    Case("compose_not_callable", lambda tmp: augment.Compose([augment.ToFloat(), 7]), ParamTypeError, "Received: 7"),
    Case("augment_seed", lambda tmp: augment.RandomHorizontalFlip(seed="a"), ConfigError, "seed='a'"),
    # -- search optimizers and the search space ---------------------------------------------------
    Case("search_unknown_keyword", _random_search(lrr=[0.1, 0.01]), ConfigError, "Unknown search keyword 'lrr'"),
    Case("search_empty_list", _random_search(lr=[]), ConfigError, "values for `lr` is empty"),
    Case("search_num_trials_zero", _random_search(num_trials=0, lr=[0.1]), ConfigError, "num_trials=0"),
    Case("search_num_trials_negative", _random_search(num_trials=-2, lr=[0.1]), ConfigError, "num_trials=-2"),
    Case(
        "search_lmbda_without_regularization",
        _random_search(lmbda=[1e-4, 1e-3]),
        ConfigError,
        "`lmbda` was given without `regularization`",
    ),
    Case(
        "search_regularization_name",
        _random_search(lmbda=[1e-4], regularization="l3"),
        ConfigError,
        "regularization='l3'",
    ),
    Case("search_duplicate_values", _random_search(lr=[0.1, 0.1]), ConfigError, "lr=[0.1, 0.1]"),
    Case("search_range_order", _random_search(lr=(0.1, 0.01)), ConfigError, "lr=(0.1, 0.01)"),
    Case("search_bad_value_in_list", _random_search(lr=[0.1, -0.5]), ConfigError, "lr=-0.5"),
    Case(
        "search_log_range_from_zero",
        _random_search(momentum=(0.0, 0.9, "log")),
        ConfigError,
        "momentum=(0.0, 0.9, 'log')",
    ),
    Case(
        "search_not_searchable",
        _random_search(validation_freq=[1, 2]),
        ConfigError,
        "Parameter 'validation_freq' cannot be searched",
    ),
    Case("search_epochs_zero", _random_search(epochs=0, lr=[0.1]), ConfigError, "epochs=0"),
    Case("search_no_model", _random_search(model=None), ConfigError, "needs `model=`"),
    Case("search_model_type", _random_search(model="cnn"), ParamTypeError, "Received: str"),
    Case("search_verbose", _random_search(verbose=3, lr=[0.1]), ConfigError, "verbose=3"),
    Case(
        "grid_search_range",
        lambda tmp: GridSearchOptimizer(model=_model(False), dataset=_arrays(), lr=(1e-3, 1e-1), directory=tmp),
        ConfigError,
        "['lr'] are continuous ranges",
    ),
    Case(
        "grid_search_too_few_trials",
        lambda tmp: GridSearchOptimizer(
            model=_model(False), dataset=_arrays(), lr=[0.1, 0.01], num_trials=1, directory=tmp
        ),
        ConfigError,
        "2 combinations but num_trials=1",
    ),
    Case(
        "annealing_cooling_rate",
        lambda tmp: SimulatedAnnealingOptimizer(
            model=_model(False), dataset=_arrays(), lr=[0.1, 0.01], cooling_rate=1.5, directory=tmp
        ),
        ConfigError,
        "cooling_rate=1.5",
    ),
    Case("space_keyword_type", lambda tmp: SearchSpace({3: [0.1]}), ParamTypeError, "Received: 3"),
    Case("space_set_value", lambda tmp: SearchSpace({"lr": {0.1, 0.2}}), ParamTypeError, "{0.1, 0.2}"),
    # -- Trainer ----------------------------------------------------------------------------------
    Case("trainer_epochs_zero", _trainer(epochs=0), ConfigError, "epochs=0"),
    Case("trainer_epochs_negative", _trainer(epochs=-3), ConfigError, "epochs=-3"),
    Case("trainer_batch_size_zero", _trainer(batch_size=0), ConfigError, "batch_size=0"),
    Case("trainer_validation_freq", _trainer(validation_freq=0), ConfigError, "validation_freq=0"),
    Case("trainer_mode", _trainer(mode="maximum"), ConfigError, "mode='maximum'"),
    Case("trainer_val_monitor_without_validation", _trainer(monitor="val_accuracy"), ConfigError, "'val_accuracy'"),
    Case(
        "trainer_monitor_never_logged",
        _trainer_fit(monitor="accuracyy", epochs=1),
        ConfigError,
        "monitors 'accuracyy', which is not logged",
    ),
    Case("trainer_model_type", _trainer(model="cnn"), ParamTypeError, "Received: str"),
    Case("trainer_callback_type", _trainer(callbacks=[print]), ParamTypeError, "Received: <built-in function print>"),
    Case("trainer_seed_type", _trainer(seed="0"), ConfigError, "seed='0'"),
    Case("trainer_resume_without_state", _trainer_fit(resume=True), CheckpointError, "no resume state"),
    Case("trainer_fit_without_data", _trainer_fit(train=None), DataError, "needs training data"),
    Case(
        "trainer_length_mismatch",
        _trainer_fit(train=(np.zeros((6, 4), "float32"), np.zeros(5, "int64"))),
        DataError,
        "6 samples in X but 5 labels",
    ),
    Case("trainer_test_feature_shape", _test_wrong_shape, ShapeError, "shape (7,) per sample"),
    Case("trainer_validation_feature_shape", _validation_wrong_shape, ShapeError, "shape (7,) per sample"),
    Case(
        "trainer_train_feature_shape",
        _trainer_fit(train=(np.zeros((6, 9), "float32"), np.zeros(6, "int64"))),
        ShapeError,
        "shape (9,) per sample, but the model expects (4,)",
    ),
    # fixed in clara_keras.data (moved here from KNOWN_GAPS)
    Case(
        "csv_not_utf8",
        lambda tmp: load_data(_write(tmp, "train.csv", "a,label\n1,0\n2,\xe9t\xe9\n".encode("latin-1"))),
        DataError,
        "{tmp}/train.csv",
    ),
    Case(
        "csv_field_over_csv_limit",
        lambda tmp: load_data(_write(tmp, "train.csv", "a,b\n" + "1" * 200_000 + ",2\n")),
        DataError,
        "{tmp}/train.csv:2",
    ),
    Case(
        "csv_delimiter_two_chars",
        lambda tmp: load_data(_write(tmp, "train.csv", GOOD_CSV), delimiter=";;"),
        ConfigError,
        "delimiter=';;'",
    ),
    Case(
        "csv_dtype_unknown",
        lambda tmp: load_data(_write(tmp, "train.csv", GOOD_CSV), dtype="floot"),
        ConfigError,
        "dtype='floot'",
    ),
    Case(
        "csv_image_shape_text",
        lambda tmp: load_data(_write(tmp, "train.csv", "1,2\n3,4\n"), image_shape="ab"),
        ConfigError,
        "image_shape='ab'",
    ),
    Case(
        "csv_value_overflows_float32",
        lambda tmp: load_data(_write(tmp, "train.csv", "a,label\n1,0\n1e39,1\n")),
        DataError,
        "{tmp}/train.csv:3",
    ),
    Case(
        "npz_truncated_zip",
        lambda tmp: load_data(_write(tmp, "train.npz", b"PK\x03\x04 not really a zip")),
        DataError,
        "{tmp}/train.npz",
    ),
    Case(
        "generator_dtype_unknown",
        _generator(dtype="foo"),
        ConfigError,
        "dtype='foo'",
    ),
    Case("resize_interpolation", lambda tmp: augment.Resize(4, 4, interpolation="cubic"), ConfigError, "cubic"),
    Case("normalize_mean_text", lambda tmp: augment.Normalize(mean="a", std=1.0), ConfigError, "mean='a'"),
]


# -- known gaps: inputs that do not raise a typed error yet ---------------------------------------------
# Each is a strict xfail naming the bug, so the suite stays green today and fails (XPASS) the day the owner
# fixes it, which is the signal to move the row into CASES. They are not counted in the corpus total.

KNOWN_GAPS: list[tuple[Case, str]] = []


# -- CLI: exit status 2 and one line on stderr ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CliCase:
    id: str
    argv: Callable[[Path], list[str]]
    phrase: str


CLI_CASES: list[CliCase] = [
    CliCase("cli_epochs_zero", lambda tmp: ["train", "--epochs", "0"], "expected a positive integer, got '0'"),
    CliCase("cli_batch_size_text", lambda tmp: ["train", "--batch-size", "big"], "got 'big'"),
    CliCase("cli_lr_negative", lambda tmp: ["train", "--lr=-0.1"], "expected a positive number, got '-0.1'"),
    CliCase("cli_lr_inf", lambda tmp: ["train", "--lr", "inf"], "got 'inf'"),
    CliCase("cli_seed_text", lambda tmp: ["train", "--seed", "x"], "invalid int value: 'x'"),
    CliCase("cli_verbose_choice", lambda tmp: ["train", "--verbose", "5"], "invalid choice: 5"),
    CliCase("cli_unknown_option", lambda tmp: ["train", "--no-such-flag"], "unrecognized arguments: --no-such-flag"),
    CliCase("cli_unknown_command", lambda tmp: ["trian"], "invalid choice: 'trian'"),
    CliCase("cli_backend", lambda tmp: ["train", "--backend", "mxnet"], "Received: 'mxnet'"),
    CliCase(
        "cli_resume_not_a_run",
        lambda tmp: ["train", "--resume", str(tmp / "nowhere")],
        "is not a clara run folder",
    ),
    CliCase(
        "cli_resume_other_out",
        lambda tmp: ["train", "--resume", str(tmp / "a"), "--out", str(tmp / "b")],
        "--resume continues in its own folder",
    ),
    CliCase(
        "cli_resume_changed_lr",
        lambda tmp: ["train", "--resume", str(_resume_with_other_lr(tmp)), "--lr", "0.5"],
        "--lr differ from",
    ),
    CliCase("cli_launch_zero_workers", lambda tmp: ["launch", "--local", "0"], "got '0'"),
    CliCase("cli_launch_missing_local", lambda tmp: ["launch", "train"], "--local"),
]


# -- the tests --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_raises_typed_error_naming_the_value(case, tmp_path):
    with pytest.raises(errors.ClaraError) as info:
        case.call(tmp_path)
    assert type(info.value) is case.error, f"{case.id}: {type(info.value).__name__}: {info.value}"
    phrase = case.phrase.replace("{tmp}", str(tmp_path))
    assert phrase in str(info.value), f"{case.id}: {phrase!r} not in {str(info.value)!r}"


@pytest.mark.parametrize(
    "case",
    [pytest.param(case, id=case.id, marks=pytest.mark.xfail(strict=True, reason=bug)) for case, bug in KNOWN_GAPS],
)
def test_known_gap_still_open(case, tmp_path):
    test_bad_input_raises_typed_error_naming_the_value(case, tmp_path)


@pytest.mark.parametrize("case", CLI_CASES, ids=[c.id for c in CLI_CASES])
def test_cli_bad_input_exits_2_with_one_line(case, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a command that wrongly ran would write its run folder here
    argv = case.argv(tmp_path)
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert case.phrase in captured.err, captured.err
    assert captured.err.count("\n") == 1 and captured.err.endswith("\n"), captured.err
    assert "Traceback" not in captured.err
    assert not (tmp_path / "b").exists()  # nothing created for a refused command


def test_case_ids_are_unique():
    ids = [c.id for c in CASES] + [c.id for c in CLI_CASES] + [c.id for c, _ in KNOWN_GAPS]
    assert len(ids) == len(set(ids))


def test_corpus_has_at_least_60_cases():
    total = len(CASES) + len(CLI_CASES)
    print(f"bad-input corpus: {total} cases ({len(CASES)} API, {len(CLI_CASES)} CLI)")
    assert total >= 60
    families = {c.error for c in CASES}
    assert {ConfigError, ParamTypeError, DataError, ShapeError, CheckpointError, UnsafeFileError} <= families


def bad_input_case_count() -> int:
    """Used by `conftest.py` to report the count at the end of the run."""
    return len(CASES) + len(CLI_CASES)
