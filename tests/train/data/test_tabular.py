"""User CSV files: good tables load; bad ones name the file, row and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from layerlab.train.data import DataError, LoadContext, load_dataset


def write_csv(folder: Path, text: str, name: str = "data.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def iris_like(rows: int, seed: int = 0) -> tuple[str, np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    features = rng.normal(loc=[5.0, 300.0], scale=[1.0, 50.0], size=(rows, 2))
    species = [["setosa", "versicolor", "virginica"][i % 3] for i in range(rows)]
    lines = ["length,weight,species"] + [
        f"{a:.4f},{b:.4f},{s}" for (a, b), s in zip(features, species, strict=True)
    ]
    return "\n".join(lines) + "\n", features, species


def test_string_target_is_classes_and_features_standardised(tmp_path: Path) -> None:
    text, features, species = iris_like(60)
    path = write_csv(tmp_path, text)
    data = load_dataset("csv", {"path": path.name, "target": "species"}, LoadContext(tmp_path))
    info = data.info
    assert (info.kind, info.target, info.input_shape, info.target_shape) == (
        "tabular",
        "class",
        [2],
        [],
    )
    assert info.classes == ["setosa", "versicolor", "virginica"]
    assert data.train.y.dtype == torch.int64 and torch.bincount(
        torch.cat([data.train.y, data.val.y])
    ).tolist() == [20, 20, 20]
    assert torch.allclose(data.train.x.mean(0), torch.zeros(2), atol=1e-5)
    assert torch.allclose(data.train.x.std(0), torch.ones(2), atol=1e-4)
    assert data.extras["feature_names"] == ["length", "weight"]
    # Undoing the scaling with the reported statistics gives back the file's numbers, row by row.
    mean, std = torch.tensor(data.extras["feature_mean"]), torch.tensor(data.extras["feature_std"])
    restored = (torch.cat([data.train.x, data.val.x]) * std + mean).double().numpy()
    restored, features = restored[np.argsort(restored[:, 0])], features[np.argsort(features[:, 0])]
    np.testing.assert_allclose(restored, features, atol=1e-3)


def test_numeric_target_is_regression_and_last_column_by_default(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path, "a,b,price\n" + "".join(f"{i},{i * 2},{i * 1.5}\n" for i in range(20))
    )
    data = load_dataset("csv", {"path": path.name, "standardize": False}, LoadContext(tmp_path))
    assert (data.info.target, data.info.target_shape, data.info.classes) == ("value", [1], None)
    assert data.train.y.shape == (16, 1) and data.train.y.dtype == torch.float32
    assert torch.allclose(data.train.y[:, 0], data.train.x[:, 0] * 1.5)


def test_numeric_target_as_classes_when_told(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "x,label\n" + "".join(f"{i},{i % 3 * 5}\n" for i in range(30)))
    auto = load_dataset("csv", {"path": path.name}, LoadContext(tmp_path))
    assert auto.info.target == "value" and any(
        "task='classification'" in n for n in auto.info.notes
    )
    data = load_dataset("csv", {"path": path.name, "task": "classification"}, LoadContext(tmp_path))
    assert data.info.classes == ["0", "5", "10"]  # sorted by value, not as text
    assert data.train.y.dtype == torch.int64
    assert torch.bincount(torch.cat([data.train.y, data.val.y])).tolist() == [10, 10, 10]


def test_bad_number_names_file_row_and_column(tmp_path: Path) -> None:
    rows = [f"{20 + i},{i}" for i in range(20)]
    rows[15] = "abc,3"  # file line 17: the header is row 1
    path = write_csv(tmp_path, "age,score\n" + "\n".join(rows) + "\n")
    with pytest.raises(DataError, match=r"^data.csv row 17, column 1 is not a number$"):
        load_dataset("csv", {"path": path.name}, LoadContext(tmp_path))


def test_empty_cell_and_infinite_value(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "a,b,y\n1,2,3\n4,,6\n", name="holes.csv")
    with pytest.raises(DataError, match=r"holes.csv row 3, column 2 is empty"):
        load_dataset("csv", {"path": path.name}, LoadContext(tmp_path))
    path = write_csv(tmp_path, "a,y\n1,2\ninf,3\n", name="inf.csv")
    with pytest.raises(DataError, match=r"inf.csv row 3, column 1 is not a finite number"):
        load_dataset("csv", {"path": path.name}, LoadContext(tmp_path))


def test_missing_target_column_is_named_with_a_suggestion(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "height,weight,label\n1,2,a\n3,4,b\n")
    with pytest.raises(
        DataError,
        match=r"data.csv has no column named 'lable' among its 3 columns",
    ):
        load_dataset("csv", {"path": path.name, "target": "lable"}, LoadContext(tmp_path))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "data.csv is empty"),
        ("\n\n", "data.csv is empty"),
        ("a,b\n", "data.csv has a header but no data rows"),
        ("a,b\n1,2\n3\n", "data.csv row 3 has 1 fields, the header has 2"),
        ("a,a\n1,2\n", "columns 1 and 2 have the same name"),
        ("a,\n1,2\n", "column 2 has no name"),
        ("y\n1\n2\n", "not a CSV: no ',' found in the first line"),
        ("x,y\n1,a\n2,a\n", "holds one class only"),
    ],
)
def test_malformed_tables(tmp_path: Path, text: str, message: str) -> None:
    path = write_csv(tmp_path, text)
    with pytest.raises(DataError, match=message):
        load_dataset("csv", {"path": path.name}, LoadContext(tmp_path))


def test_regression_with_text_target_names_the_cell(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "x,y\n1,2\n2,three\n")
    with pytest.raises(DataError, match=r"row 3, column 2 is not a number"):
        load_dataset("csv", {"path": path.name, "task": "regression"}, LoadContext(tmp_path))


def test_quoted_fields_semicolons_and_blank_lines(tmp_path: Path) -> None:
    text = 'a;b;kind\n1;2;"big, red"\n\n3;4;small\n5;6;"big, red"\n7;8;small\n'
    path = write_csv(tmp_path, text)
    data = load_dataset(
        "csv", {"path": path.name, "delimiter": ";", "val_fraction": 0.0}, LoadContext(tmp_path)
    )
    assert data.info.classes == ["big, red", "small"] and len(data.train) == 4


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="nothere.csv: file not found"):
        load_dataset("csv", {"path": "nothere.csv"}, LoadContext(tmp_path))
    with pytest.raises(DataError, match="option 'path'"):
        load_dataset("csv", {}, LoadContext(tmp_path))
