import os

import numpy as np
import pytest

from clara_keras.data import load_csv
from clara_keras.data import load_data
from clara_keras.errors import ConfigError
from clara_keras.errors import DataError
from clara_keras.errors import ShapeError

from .conftest import write_png


def test_header_label_by_name_and_classes_file(write_text):
    classes = write_text("classes.txt", "cat\ndog\n\nbird\n")
    csv = write_text("train.csv", "label,a,b\ndog,1,2\ncat,3.5,4\nbird,5,-6e-1\n")
    ds = load_data(csv, classes)
    assert ds["classes"] == ["cat", "dog", "bird"]
    np.testing.assert_array_equal(ds["y"], [1, 0, 2])
    np.testing.assert_allclose(ds["X"], [[1, 2], [3.5, 4], [5, -0.6]])
    assert ds["X"].dtype == np.float32
    assert ds.meta["columns"] == ["label", "a", "b"]


def test_no_header_integer_labels_with_classes_use_column_zero(write_text):
    classes = write_text("classes.txt", "zero\none\n")
    csv = write_text("t.csv", "1,0.5,0.25\n0,1,2\n")
    ds = load_csv(csv, classes)
    np.testing.assert_array_equal(ds["y"], [1, 0])
    np.testing.assert_allclose(ds["X"], [[0.5, 0.25], [1, 2]])


def test_label_column_by_index_and_inferred_classes(write_text):
    csv = write_text("t.csv", "0.1,0.2,7\n0.3,0.4,3\n0.5,0.6,7\n")
    ds = load_csv(csv, label_column=-1)
    assert ds["classes"] == ["3", "7"]
    np.testing.assert_array_equal(ds["y"], [1, 0, 1])
    assert ds["X"].shape == (3, 2)


def test_unlabeled_test_file(write_text):
    csv = write_text("test.csv", "a,b\n1,2\n3,4\n")
    ds = load_data(csv, None)
    assert not ds.labeled and "y" not in ds
    assert ds["X"].shape == (2, 2)


def test_image_shape_reshapes_flat_pixels(write_text):
    rows = "label," + ",".join(f"p{i}" for i in range(12))
    body = "\n".join(f"{k}," + ",".join(str(k * 12 + i) for i in range(12)) for k in range(3))
    csv = write_text("px.csv", rows + "\n" + body + "\n")
    ds = load_csv(csv, image_shape=(2, 3, 2))
    assert ds["X"].shape == (3, 2, 3, 2)
    assert ds["X"][1, 0, 0, 1] == 13
    with pytest.raises(ShapeError, match="image_shape"):
        load_csv(csv, image_shape=(5, 5))


def test_image_path_column_relative_to_csv(tmp_path):
    (tmp_path / "img").mkdir()
    for i in range(3):
        write_png(tmp_path / "img" / f"{i}.png", np.full((4, 4, 3), i * 50))
    (tmp_path / "list.csv").write_text("path,label\nimg/0.png,a\nimg/1.png,b\nimg/2.png,a\n")
    ds = load_data(str(tmp_path / "list.csv"))
    assert ds["classes"] == ["a", "b"]
    assert ds["X"].shape == (3, 4, 4, 3)
    assert ds["X"][2][0, 0, 0] == 100
    np.testing.assert_array_equal(ds["y"], [0, 1, 0])


def test_tsv_delimiter(write_text):
    csv = write_text("t.tsv", "label\tx\n0\t1.5\n1\t2.5\n")
    ds = load_data(csv)
    np.testing.assert_allclose(ds["X"][:, 0], [1.5, 2.5])


def test_ragged_row_names_file_and_line(write_text):
    csv = write_text("bad.csv", "label,a,b\n0,1,2\n1,3\n")
    with pytest.raises(DataError, match=r"bad\.csv:3: ragged row, expected 3 fields"):
        load_csv(csv)


def test_non_numeric_value_names_file_line_and_column(write_text):
    csv = write_text("bad.csv", "label,a,b\n0,1,2\n\n1,3,oops\n")
    with pytest.raises(DataError, match=r"bad\.csv:4: non-numeric value 'oops' in column 'b'"):
        load_csv(csv)


def test_label_not_in_classes(write_text):
    classes = write_text("classes.txt", "cat\ndog\n")
    csv = write_text("t.csv", "label,a\ncat,1\ncow,2\n")
    with pytest.raises(DataError, match=r"t\.csv:3: label 'cow' is not in the 2 classes"):
        load_csv(csv, classes)
    csv2 = write_text("t2.csv", "label,a\n0,1\n5,2\n")
    with pytest.raises(DataError, match="label '5' is not in the 2 classes"):
        load_csv(csv2, classes)


def test_empty_file_and_empty_classes(write_text):
    with pytest.raises(DataError, match="is empty"):
        load_csv(write_text("empty.csv", ""))
    with pytest.raises(DataError, match="header but no data rows"):
        load_csv(write_text("h.csv", "label,a\n"))
    with pytest.raises(DataError, match="is empty"):
        load_csv(write_text("ok.csv", "label,a\n0,1\n"), write_text("classes.txt", "\n\n"))
    with pytest.raises(DataError, match="appears twice"):
        load_csv(write_text("ok2.csv", "label,a\n0,1\n"), ["a", "a"])


def test_nan_inf_raise_or_drop_with_warning(write_text):
    csv = write_text("n.csv", "label,a,b\n0,1,2\n1,nan,2\n0,3,inf\n1,4,\n1,5,6\n")
    with pytest.raises(DataError, match=r"NaN or infinite feature values in 3 row\(s\): .*n\.csv:3"):
        load_csv(csv)
    with pytest.warns(UserWarning, match=r"Dropped 3 row\(s\)"):
        ds = load_csv(csv, nonfinite="drop")
    np.testing.assert_allclose(ds["X"], [[1, 2], [5, 6]])
    np.testing.assert_array_equal(ds["y"], [0, 1])
    with pytest.raises(ConfigError, match="nonfinite"):
        load_csv(csv, nonfinite="ignore")


def test_unknown_column_and_option(write_text):
    csv = write_text("t.csv", "label,a\n0,1\n")
    with pytest.raises(ConfigError, match="Did you mean 'label'"):
        load_csv(csv, label_column="labl")
    with pytest.raises(ConfigError, match="Did you mean 'label_column'"):
        load_data(csv, label_colum="label")


def test_user_file_is_never_modified(write_text):
    csv = write_text("t.csv", "label,a\n0,1\n1,nan\n")
    before = (csv.read_bytes(), os.stat(csv).st_mtime_ns)
    with pytest.warns(UserWarning):
        load_csv(csv, nonfinite="drop")
    assert (csv.read_bytes(), os.stat(csv).st_mtime_ns) == before
    assert sorted(p.name for p in csv.parent.iterdir()) == ["t.csv"]
