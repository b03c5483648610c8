import numpy as np
import pytest

from clara_keras.data import ImageFiles
from clara_keras.data import load_data
from clara_keras.data import load_image_folder
from clara_keras.errors import DataError
from clara_keras.errors import ShapeError

from .conftest import write_png


def test_layout_labels_and_lazy_decoding(make_image_folder):
    root = make_image_folder({"cat": 3, "dog": 2})
    ds = load_data(root)
    assert ds["classes"] == ["cat", "dog"]
    np.testing.assert_array_equal(ds["y"], [0, 0, 0, 1, 1])
    X = ds["X"]
    assert isinstance(X, ImageFiles) and X.shape == (5, 6, 5, 3) and X.dtype == np.uint8
    batch = X[[3, 1]]
    assert batch.shape == (2, 6, 5, 3)
    assert batch[0, 0, 0, 0] == 1 and batch[1, 1, 1, 0] == 10  # class id pixel, then 10 * index
    assert ds.meta["lazy"] is True


def test_image_size_grayscale_and_classes_order(make_image_folder, write_text):
    root = make_image_folder({"a": 1, "b": 2})
    ds = load_image_folder(root, classes=["b", "a"], image_size=(3, 4), color_mode="grayscale")
    np.testing.assert_array_equal(ds["y"], [0, 0, 1])
    assert ds["X"].shape == (3, 3, 4, 1)
    assert ds["X"][0].shape == (3, 4, 1)


def test_statistics_streamed_like_numpy(make_image_folder):
    ds = load_data(make_image_folder({"a": 4, "b": 3}))
    full = np.asarray(ds["X"]).astype(np.float64)
    np.testing.assert_allclose(ds["X"].mean(), full.mean())
    np.testing.assert_allclose(ds["X"].std(), full.std())
    np.testing.assert_allclose(ds["X"].mean(axis=(0, 1, 2)), full.mean(axis=(0, 1, 2)))


def test_subset_and_split_stay_lazy(make_image_folder):
    from clara_keras.data import split

    ds = load_data(make_image_folder({"a": 10, "b": 10}))
    train, val, test = split(ds, val=0.2, test=0.2, seed=1)
    assert isinstance(train["X"], ImageFiles)
    assert (train.num_samples, val.num_samples, test.num_samples) == (12, 4, 4)
    assert np.bincount(val["y"]).tolist() == [2, 2]


def test_unlabeled_flat_folder(tmp_path):
    for i in range(3):
        write_png(tmp_path / f"{i}.png", np.zeros((4, 4, 3)))
    ds = load_data(tmp_path)
    assert not ds.labeled and ds["X"].shape == (3, 4, 4, 3)


def test_empty_folder_and_missing(tmp_path, make_image_folder):
    with pytest.raises(DataError, match="is empty"):
        load_image_folder(tmp_path)
    (tmp_path / "cls").mkdir()
    with pytest.raises(DataError, match="no image files"):
        load_image_folder(tmp_path)
    with pytest.raises(DataError, match="not found"):
        load_data(tmp_path / "nope")


def test_subfolder_not_in_classes(make_image_folder):
    root = make_image_folder({"cat": 1, "dgo": 1})
    with pytest.raises(DataError, match="Did you mean 'dog'"):
        load_image_folder(root, classes=["cat", "dog"])


def test_undecodable_image_names_the_file(make_image_folder):
    root = make_image_folder({"a": 2})
    (root / "a" / "broken.png").write_bytes(b"not a png at all")
    ds = load_image_folder(root)
    with pytest.raises(DataError, match=r"Could not decode image '.*broken\.png'.*\(sample index 2\)"):
        ds["X"].read_batch(np.arange(3))
    from clara_keras.data import DataGenerator

    with pytest.raises(DataError, match=r"broken\.png.*sample index 2.*batch 1 of epoch 0"):
        DataGenerator(ds, batch_size=2, shuffle=False)[1]


def test_shape_mismatch_names_the_file(make_image_folder):
    root = make_image_folder({"a": 2}, size=(6, 5))
    write_png(root / "a" / "zz_big.png", np.zeros((9, 9, 3)))
    ds = load_image_folder(root)
    with pytest.raises(ShapeError, match=r"zz_big\.png' has shape \(9, 9, 3\), expected \(6, 5, 3\)"):
        ds["X"][np.arange(3)]
    resized = load_image_folder(root, image_size=(6, 5))
    assert resized["X"][np.arange(3)].shape == (3, 6, 5, 3)
