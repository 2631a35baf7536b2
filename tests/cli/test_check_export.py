"""The `layerlab` command: check and export, as a person runs them in a terminal.

Most tests call `layerlab.cli.main` in-process (capturing stdout and stderr); one runs
the installed console script as a real subprocess.
"""

from __future__ import annotations

import importlib.util
import json
import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch
from safetensors.torch import load_file, save_file
from torch import nn

import layerlab
from layerlab import format as fmt
from layerlab.cli import main
from layerlab.graph.check import CheckResult
from layerlab.graph.weights import load_weights

DOCUMENTS = Path(__file__).parents[1] / "graph" / "documents"
LENET = DOCUMENTS / "lenet5.json"
GAN = DOCUMENTS / "gan_mlp.json"

# LeNet-5 layer by layer: (node, type, output shape, parameters), from the architecture.
LENET_ROWS = [
    ("image", "Input", "(1, 28, 28)", 0),
    ("conv1", "Conv2d", "(6, 28, 28)", 6 * 1 * 5 * 5 + 6),
    ("act1", "Tanh", "(6, 28, 28)", 0),
    ("pool1", "AvgPool2d", "(6, 14, 14)", 0),
    ("conv2", "Conv2d", "(16, 10, 10)", 16 * 6 * 5 * 5 + 16),
    ("act2", "Tanh", "(16, 10, 10)", 0),
    ("pool2", "AvgPool2d", "(16, 5, 5)", 0),
    ("flat", "Flatten", "(400)", 0),
    ("fc1", "Linear", "(120)", 400 * 120 + 120),
    ("act3", "Tanh", "(120)", 0),
    ("fc2", "Linear", "(84)", 120 * 84 + 84),
    ("act4", "Tanh", "(84)", 0),
    ("fc3", "Linear", "(10)", 84 * 10 + 10),
    ("logits", "Output", "-", 0),
]


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def write_json(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(json.dumps(doc))
    return path


def import_file(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(f"exported_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- check -----------------------------------------------------------------------------


def test_check_prints_the_node_table_and_totals(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", LENET)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["node", "type", "output", "params"]
    for (node, kind, shape, params), line in zip(LENET_ROWS, lines[2:], strict=False):
        pattern = rf"{node}\s+{kind}\s+{re.escape(shape)}\s+{re.escape(fmt.count(params))}"
        assert re.fullmatch(pattern, line), (line, pattern)
    total = sum(row[3] for row in LENET_ROWS)
    assert total == 61_706
    assert re.search(r"^61,706 parameters, .* at batch size 32$", out, re.MULTILINE)


def test_check_json_is_a_check_result(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--json", LENET)
    assert code == 0
    result = CheckResult.model_validate_json(out)
    assert result.ok and result.errors == []
    assert result.totals.params == 61_706
    assert [(n.id, n.params) for n in result.nodes] == [(r[0], r[3]) for r in LENET_ROWS]


def _memory(capsys: pytest.CaptureFixture[str], batch: int) -> int:
    code, out, _ = run(capsys, "check", "--json", "--batch-size", str(batch), LENET)
    assert code == 0
    totals = CheckResult.model_validate_json(out).totals
    assert totals.batch_size == batch
    return totals.memory_bytes


def test_batch_size_changes_the_memory_estimate(capsys: pytest.CaptureFixture[str]) -> None:
    one, two, three = (_memory(capsys, b) for b in (1, 2, 3))
    # Weights and optimiser state once, activations once per sample.
    assert 0 < one < two < three
    assert three - two == two - one
    big = _memory(capsys, 64)
    assert big == one + 63 * (two - one)

    code, out, _ = run(capsys, "check", "--batch-size", "64", LENET)
    assert code == 0
    assert out.rstrip().endswith(f"~{fmt.size(big)} to train at batch size 64")


@pytest.mark.parametrize("batch", ["0", "-3", "many"])
def test_batch_size_must_be_a_positive_integer(
    capsys: pytest.CaptureFixture[str], batch: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check", "--batch-size", batch, str(LENET)])
    assert exited.value.code == 2
    assert "--batch-size" in capsys.readouterr().err


BROKEN = {
    "name": "Broken",
    "nodes": [
        {"id": "x", "type": "Input", "params": {"shape": [8]}},
        {"id": "fc", "type": "Linear", "params": {"out_features": 0}},
        {"id": "act", "type": "ReLU"},
        {"id": "out", "type": "Output"},
        {"id": "mystery", "type": "Conv9d"},
        {"id": "out2", "type": "Output"},
    ],
    "edges": [
        {"source": "x", "target": "fc"},
        {"source": "fc", "target": "act"},
        {"source": "act", "target": "out"},
        {"source": "x", "target": "mystery"},
        {"source": "mystery", "target": "out2"},
    ],
}


def test_a_broken_document_prints_each_root_cause(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "check", write_json(tmp_path / "broken.json", BROKEN))
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert all(line.startswith("error: ") for line in lines)
    expected = {("bad_param", "fc"), ("unknown_type", "mystery")}
    for code_name, node in expected:
        assert any(f"[{code_name}]" in line and f"node={node}" in line for line in lines), err
    # Only root causes: nothing downstream (act, out, out2) is reported again.
    assert len(lines) == len(expected)


def test_invalid_json_is_an_error_not_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "cut.json"
    path.write_text('{"nodes": [')
    for command in (["check"], ["export", "-o", str(tmp_path / "cut.py")]):
        code, _, err = run(capsys, *command, path)
        assert code == 1
        assert "[invalid_document]" in err and "Traceback" not in err
    assert not (tmp_path / "cut.py").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "{missing}"],
        ["export", "{missing}", "-o", "{tmp}/out.py"],
        [
            "export",
            str(LENET),
            "--format",
            "safetensors",
            "--weights",
            "{missing}",
            "-o",
            "{tmp}/w",
        ],
    ],
    ids=["check", "export", "weights"],
)
def test_a_missing_file_is_named_without_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str]
) -> None:
    missing = tmp_path / "nope.json"
    code, out, err = run(capsys, *(a.format(missing=missing, tmp=tmp_path) for a in argv))
    assert code in (1, 2)
    assert "nope.json" in err and "Traceback" not in err
    assert re.search(r"no such file|not a readable", err)
    assert "wrote" not in out


def test_a_folder_instead_of_a_file_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "check", tmp_path)
    assert code == 2
    assert err.startswith(f"error: {tmp_path}") and "Traceback" not in err


# -- export ----------------------------------------------------------------------------


def test_exported_python_and_safetensors_load_together(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source, weights = tmp_path / "lenet.py", tmp_path / "lenet.safetensors"
    assert run(capsys, "export", LENET, "--format", "python", "-o", source)[:2] == (
        0,
        f"wrote {source}\n",
    )
    assert run(capsys, "export", LENET, "--format", "safetensors", "-o", weights)[0] == 0

    exported = import_file(source).LeNet5()
    exported.load_state_dict(load_file(weights))
    built = layerlab.build(LENET)
    load_weights(built, weights)
    image = torch.randn(2, 1, 28, 28)
    with torch.no_grad():
        torch.testing.assert_close(exported(image), built(image), rtol=1e-6, atol=1e-6)


def _export_weights(
    capsys: pytest.CaptureFixture[str], path: Path, *options: str | Path
) -> dict[str, torch.Tensor]:
    code, _, err = run(capsys, "export", LENET, "--format", "safetensors", "-o", path, *options)
    assert code == 0, err
    return load_file(path)


def _same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_weights_round_trip_through_export(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    seed0 = _export_weights(capsys, tmp_path / "seed0.safetensors", "--seed", "0")
    seed1 = _export_weights(capsys, tmp_path / "seed1.safetensors", "--seed", "1")
    assert _same(seed0, _export_weights(capsys, tmp_path / "again.safetensors", "--seed", "0"))
    assert not _same(seed0, seed1)
    # Given weights, the seed no longer matters: the file comes back unchanged.
    given = tmp_path / "seed0.safetensors"
    copied = _export_weights(
        capsys, tmp_path / "copy.safetensors", "--seed", "1", "--weights", given
    )
    assert _same(copied, seed0)


def test_weights_of_another_network_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = tmp_path / "other.safetensors"
    save_file({"fc1.weight": torch.zeros(3, 3)}, other)
    code, _, err = run(
        capsys, "export", LENET, "--format", "safetensors", "--weights", other, "-o", tmp_path / "w"
    )
    assert code == 1
    assert err.startswith("error: other.safetensors:") and "conv1.weight" in err
    assert not (tmp_path / "w").exists()


class _CreatesMarker:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return open, (str(self.marker), "w")


def test_export_never_unpickles_given_weights(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    marker, disguised = tmp_path / "marker", tmp_path / "trained.safetensors"
    disguised.write_bytes(pickle.dumps(_CreatesMarker(marker)))
    code, _, err = run(
        capsys,
        "export",
        LENET,
        "--format",
        "safetensors",
        "--weights",
        disguised,
        "-o",
        tmp_path / "w",
    )
    assert code == 1 and "trained.safetensors: not a readable safetensors file" in err
    assert not marker.exists()


@pytest.mark.filterwarnings("ignore:.*LeafSpec.*:FutureWarning")  # torch exporter
def test_onnx_export_of_one_network_with_given_weights(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import onnx
    from onnx import numpy_helper
    from onnx.reference import ReferenceEvaluator

    torch.manual_seed(3)
    gan = layerlab.build(GAN)
    weights = tmp_path / "gan.safetensors"
    save_file({k: v.contiguous() for k, v in gan.state_dict().items()}, weights)
    path = tmp_path / "discriminator.onnx"
    code, out, err = run(
        capsys, "export", GAN, "--format", "onnx", "--network", "discriminator",
        "--weights", weights, "-o", path,
    )  # fmt: skip
    assert (code, out) == (0, f"wrote {path}\n"), err

    proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)
    stored = {t.name: numpy_helper.to_array(t) for t in proto.graph.initializer}
    discriminator = gan.get_submodule("discriminator")
    assert isinstance(discriminator, nn.Module)
    for key, tensor in discriminator.state_dict().items():
        torch.testing.assert_close(torch.tensor(stored[key]), tensor, rtol=0, atol=0, msg=key)
    image = torch.randn(4, 1, 8, 8)
    (score,) = ReferenceEvaluator(proto).run(None, {"image": image.numpy()})
    with torch.no_grad():
        want = discriminator(image)
    torch.testing.assert_close(torch.from_numpy(score), want, rtol=1e-5, atol=1e-5)


def test_onnx_export_of_a_noise_fed_network_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "generator.onnx"
    code, _, err = run(
        capsys, "export", GAN, "--format", "onnx", "--network", "generator", "-o", path
    )
    assert code == 1
    assert err.startswith("error: network 'generator' has no Input") and "Traceback" not in err
    assert not path.exists()
    code, _, err = run(capsys, "export", GAN, "--format", "onnx", "-o", path)
    assert code == 1 and "several networks" in err


# -- the installed console script ------------------------------------------------------


def test_console_script_checks_a_document() -> None:
    script = Path(sys.executable).with_name("layerlab")
    assert script.exists(), f"the console script is not installed next to {sys.executable}"
    done = subprocess.run(
        [str(script), "check", str(LENET)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"^61,706 parameters, ", done.stdout, re.MULTILINE)
    assert "fc3" in done.stdout and done.stderr == ""
