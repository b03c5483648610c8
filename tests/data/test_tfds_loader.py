import numpy as np
import pytest

from clara_keras.data import load_data
from clara_keras.errors import DataError

tfds = pytest.importorskip("tensorflow_datasets")


def test_tfds_by_name_from_local_data_dir_with_mock_data(tmp_path):
    with tfds.testing.mock_data(num_examples=12):
        ds = load_data("tfds:mnist", split="train", data_dir=str(tmp_path))
    assert ds["X"].shape == (12, 28, 28, 1) and ds["X"].dtype == np.uint8
    assert ds["classes"] == [str(i) for i in range(10)]
    assert ds["y"].shape == (12,) and ds["y"].min() >= 0 and ds["y"].max() <= 9
    assert ds.meta["format"] == "tfds" and ds.meta["split"] == "train"


def test_tfds_not_prepared_never_downloads(tmp_path):
    with pytest.raises(DataError, match="never downloads"):
        load_data("tfds:mnist", split="train", data_dir=str(tmp_path))
    assert list(tmp_path.iterdir()) == [] or all(p.is_dir() for p in tmp_path.iterdir())


def test_tfds_unknown_name():
    with pytest.raises(DataError, match="no data set 'not_a_real_dataset_xyz'"):
        load_data("tfds:not_a_real_dataset_xyz")
