"""`layerlab import model.py:ClassName`, as a person runs it in a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

import layerlab
from layerlab.cli import main

MODEL = """\
import torch
import torch.nn.functional as F
from torch import nn

from helpers import Block


class Net(nn.Module):
    def __init__(self, width: int = 8, classes: int = 3):
        super().__init__()
        self.blocks = nn.Sequential(Block(3, width), Block(width, width))
        self.fc = nn.Linear(width * 8 * 8, classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.blocks(x), 1))


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 4)
        self.gru = nn.GRU(4, 5, batch_first=True)

    def forward(self, tokens):
        return self.gru(self.embed(tokens))[0]


class Rounds(nn.Module):
    def forward(self, x):
        return torch.round(F.relu(x))
"""

HELPERS = """\
from torch import nn


class Block(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.conv(x))
"""


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    (tmp_path / "helpers.py").write_text(HELPERS)
    path = tmp_path / "model.py"
    path.write_text(MODEL)
    return path


def test_import_writes_a_document_and_its_weights(
    model_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc, weights = tmp_path / "net.json", tmp_path / "net.safetensors"
    code = main(
        [
            "import",
            f"{model_file}:Net",
            "--input-shape",
            "3,8,8",
            "--kwargs",
            '{"width": 4}',
            "-o",
            str(doc),
            "--weights",
            str(weights),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "through torch.fx" in out and "blocks: Block" in out
    document = layerlab.load_graph(doc)
    assert layerlab.check(document).ok
    nodes = {n.id: n for n in document.nodes}
    assert (nodes["blocks"].type, nodes["blocks"].repeat) == ("Block", 2)
    model = layerlab.build(document)
    tensors = load_file(str(weights))
    assert set(tensors) == set(model.state_dict())
    assert tensors["blocks.1.conv.weight"].shape == (4, 4, 3, 3)


def test_token_inputs_are_ids(model_file: Path, tmp_path: Path) -> None:
    doc = tmp_path / "tagger.json"
    assert main(["import", f"{model_file}:Tagger", "--input-shape", "7:int64", "-o", str(doc)]) == 0
    first = layerlab.load_graph(doc).nodes[0]
    assert first.params == {"shape": [7], "dtype": "int64"}


def test_an_unsupported_call_is_listed_and_nothing_written(
    model_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "rounds.json"
    code = main(["import", f"{model_file}:Rounds", "--input-shape", "5", "-o", str(doc)])
    err = capsys.readouterr().err
    assert code == 1
    line = MODEL.splitlines().index("        return torch.round(F.relu(x))") + 1
    assert f"torch.round in (top) at model.py:{line}" in err
    assert not doc.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere.py:Net"], "no such file"),
        (["{model}"], "model.py:ClassName"),
        (["{model}:Missing"], "no nn.Module class 'Missing'"),
        (["{model}:Net", "--kwargs", "[1]"], "JSON object"),
        (["{model}:Net", "--kwargs", '{"depth": 3}'], "unexpected keyword"),
        (["{model}:Net", "--input-shape", "3,x"], "sizes as 3,32,32"),
        (["{model}:Net", "--input-shape", "3:float16"], "float32 or int64"),
    ],
)
def test_bad_arguments_cannot_start(
    model_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    argv = [a.replace("{model}", str(model_file)) for a in args]
    assert main(["import", *argv, "-o", str(tmp_path / "x.json")]) == 2
    assert message in capsys.readouterr().err


def test_the_python_api_is_at_the_top(model_file: Path) -> None:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh())
    imported = layerlab.from_torch(model, torch.randn(2, 4), name="tiny")
    assert imported.document.name == "tiny"
    assert [n.type for n in imported.document.nodes] == ["Input", "Linear", "Tanh", "Output"]


CLASSIFIER = """\
from torch import nn


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2))

    def forward(self, points):
        return self.net(points)
"""


def test_a_run_starts_from_the_imported_weights(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    (tmp_path / "classifier.py").write_text(CLASSIFIER)
    doc, weights = tmp_path / "c.json", tmp_path / "c.safetensors"
    source = f"{tmp_path / 'classifier.py'}:Classifier"
    argv = ["import", source, "--input-shape", "2", "-o", str(doc), "--weights", str(weights)]
    assert main(argv) == 0
    document = json.loads(doc.read_text())
    document["training"] = {
        "task": "classification",
        "dataset": "moons",
        "dataset_options": {"size": 200},
        "device": "cpu",
    }
    doc.write_text(json.dumps(document))
    run = [
        "train",
        str(doc),
        "--init-weights",
        str(weights),
        "--lr",
        "1e-12",
        "--steps",
        "2",
        "--data-dir",
        str(tmp_path),
        "--checkpoint-dir",
        str(tmp_path / "run"),
    ]
    assert main(run) == 0
    capsys.readouterr()
    ended = load_file(str(tmp_path / "run" / "step-00000002" / "model.safetensors"))
    started = load_file(str(weights))
    assert ended.keys() == started.keys()
    for name, tensor in started.items():  # a learning rate of 1e-12 moves nothing
        assert (ended[name] - tensor).abs().max() < 1e-6, name
