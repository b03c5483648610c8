"""The seed's usage, as written, end to end with `fit` (runs on every backend)."""

import numpy as np

import clara_keras as clara
from clara_keras import layers as cl
from clara_keras.data import DataGenerator
from clara_keras.data import load_data


def _write_csv(path, X, y=None):
    header = ([] if y is None else ["label"]) + [f"pixel{i}" for i in range(X.shape[1])]
    lines = [",".join(header)]
    for i, row in enumerate(X):
        values = [str(int(v)) for v in row]
        lines.append(",".join(values if y is None else [str(y[i]), *values]))
    path.write_text("\n".join(lines) + "\n")


def test_seed_snippet_end_to_end(tmp_path):
    rng = np.random.default_rng(0)
    names = ["circle", "square", "triangle"]
    (tmp_path / "classes.txt").write_text("\n".join(names) + "\n")
    y = rng.integers(0, 3, 300)
    X = (rng.integers(0, 60, (300, 16)) + y[:, None] * 60).astype(int)  # learnable: brightness = class
    _write_csv(tmp_path / "train.csv", X[:200], [names[k] for k in y[:200]])
    _write_csv(tmp_path / "valid.csv", X[200:260], [names[k] for k in y[200:260]])
    _write_csv(tmp_path / "test.csv", X[260:])

    train_data = load_data(str(tmp_path / "train.csv"), str(tmp_path / "classes.txt"))
    valid_data = load_data(str(tmp_path / "valid.csv"), str(tmp_path / "classes.txt"))
    test_data = load_data(str(tmp_path / "test.csv"), None)
    mean, std = train_data["X"].mean(), train_data["X"].std()
    normalize = lambda x: (x - mean) / std  # noqa: E731
    train_gen = DataGenerator(dataset=train_data, batch_size=128, preprocess=normalize, augmentation=[])
    valid_gen = DataGenerator(dataset=valid_data, batch_size=128, preprocess=normalize, augmentation=[])

    assert train_data["classes"] == names and "y" not in test_data
    assert len(train_gen) == 2 and train_gen[1][0].shape == (72, 16)

    model = clara.Model(type="classification", input_shape=(16,))
    model.add(cl.DenseLayer(units=16, activation="relu"))
    model.add(cl.DenseLayer(units=3))
    model.set_params({"learning_rate": 0.05, "optimizer": "adam"})
    model.compile()
    history = model.fit(train_gen, validation_data=valid_gen, epochs=8, verbose=0)
    assert len(history.history["loss"]) == 8
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["val_accuracy"][-1] > 0.8

    test_gen = DataGenerator(dataset=test_data, batch_size=128, preprocess=normalize)
    probs = model.predict(test_gen, verbose=0)
    assert probs.shape == (40, 3)
    assert np.mean(probs.argmax(1) == y[260:]) > 0.8  # the order of predictions is the file's order


def test_one_hot_labels_and_threaded_workers_fit(make_image_folder):
    from clara_keras.data import augment as A

    data = load_data(make_image_folder({"a": 12, "b": 12}))
    gen = DataGenerator(
        data,
        batch_size=8,
        one_hot=True,
        augmentation=[A.RandomHorizontalFlip(), A.RandomCrop(6, 5, padding=1)],
        preprocess=[A.ToFloat()],
        workers=2,
    )
    model = clara.Model(type="classification", input_shape=(6, 5, 3))
    model.add(cl.Conv2DLayer(filters=4, kernel_size=(3, 3)))
    model.add(cl.Flatten())
    model.add(cl.DenseLayer(units=2))
    model.compile()
    history = model.fit(gen, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()
