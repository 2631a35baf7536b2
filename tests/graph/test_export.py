"""Export tests: standalone PyTorch source, safetensors weights and ONNX.

The exported source is run where LayerLab cannot be imported: a fresh interpreter in
isolated mode without `site` (so the editable install's path is never added), given
only the folders that hold torch and safetensors. It loads the weights and the fixed
inputs that this process saved, and its outputs must equal the compiled model's.
"""

from __future__ import annotations

import ast
import json
import pickle
import re
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import safetensors
import torch
from safetensors.torch import load_file, save_file
from torch import nn

import layerlab
from layerlab.graph.analysis import Analysis
from layerlab.graph.check import analyze_or_raise
from layerlab.graph.compile import (
    Networks,
    class_name,
    compile_analysis,
    example_inputs,
    signature,
)
from layerlab.graph.export_onnx import OnnxExportError, export_onnx
from layerlab.graph.structure import Network
from layerlab.graph.weights import WeightsError, load_weights, save_weights
from layerlab.ops import torch_modules
from tests.conftest import GRAPHS
from tests.weights import perturb

DOCUMENTS = Path(__file__).parent / "documents"
TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}
SUBPROCESS_TIMEOUT_S = 180

# Every case: its document, and the network and block classes the export must hold.
CASES: dict[str, tuple[str, set[str]]] = {
    "lenet": ("lenet5.json", {"LeNet5"}),
    "resnet": ("resnet_stage.json", {"ResNetStage", "ProjectionBlock", "ProjectionBlock2"}),
    "gan": ("gan_mlp.json", {"Generator", "Discriminator"}),
    "transformer": ("transformer_encoder.json", {"TransformerEncoderLayer"}),
    "lstm": ("lstm_classifier.json", {"LSTMClassifier"}),
    "vae": ("vae.json", {"SmallVAE"}),
}

RUNNER = '''\
"""Runs in a fresh interpreter without LayerLab: load the exported module, its weights
and the fixed inputs, save what each network returns, then run the file's __main__."""

import contextlib
import importlib.util
import io
import json
import runpy
import sys

sys.path.extend(sys.argv[1:])  # torch and safetensors: started with -S, there is no site
try:
    import layerlab  # noqa: F401
except ImportError:
    layerlab_importable = False
else:
    layerlab_importable = True

import torch
from safetensors.torch import load_file, save_file

spec = importlib.util.spec_from_file_location("exported", "exported.py")
exported = importlib.util.module_from_spec(spec)
spec.loader.exec_module(exported)
with open("plan.json") as f:
    plan = json.load(f)
weights = load_file("weights.safetensors")
inputs = load_file("inputs.safetensors")
outputs = {}
for net in plan["networks"]:
    model = getattr(exported, net["class"])()
    prefix = net["prefix"]
    model.load_state_dict({k[len(prefix):]: v for k, v in weights.items() if k.startswith(prefix)})
    model.eval()
    with torch.no_grad():
        if net["batch_size"]:
            torch.manual_seed(net["seed"])
            result = model(batch_size=net["batch_size"])
        else:
            result = model(*(inputs[net["name"] + "." + i] for i in net["inputs"]))
    for i, tensor in enumerate(result if isinstance(result, tuple) else (result,)):
        outputs[net["name"] + "." + str(i)] = tensor.contiguous()
save_file(outputs, "outputs.safetensors")

printed = io.StringIO()
with contextlib.redirect_stdout(printed):
    runpy.run_path("exported.py", run_name="__main__")
with open("report.json", "w") as f:
    json.dump({"layerlab_importable": layerlab_importable, "main": printed.getvalue()}, f)
'''


def document(case: str) -> layerlab.GraphDocument:
    return layerlab.load_graph(DOCUMENTS / CASES[case][0])


def networks_of(model: nn.Module) -> dict[str, nn.Module]:
    """Each compiled network by name (a `Networks` dict holds several)."""
    if isinstance(model, Networks):
        return dict(model.items())
    return {signature(model).name: model}


def fixed_inputs(analysis: Analysis, name: str, batch: int) -> tuple[torch.Tensor, ...]:
    """Inputs for one network: random floats, and token ids below 10 (every fixture's
    vocabulary is larger)."""
    network = next(n for n in analysis.networks if n.name == name)
    torch.manual_seed(5)
    made = example_inputs(analysis, network, batch)
    return tuple(
        torch.randint(0, 10, x.shape) if x.dtype == torch.int64 else x
        for x in made
        if isinstance(x, torch.Tensor)
    )


def call(model: nn.Module, inputs: tuple[torch.Tensor, ...], batch: int, seed: int) -> Any:
    if signature(model).needs_batch_size:
        torch.manual_seed(seed)  # the noise source draws from the global generator
        return model(batch_size=batch)
    return model(*inputs)


def as_tuple(value: Any) -> tuple[torch.Tensor, ...]:
    return value if isinstance(value, tuple) else (value,)


def start_isolated_python(script: str, cwd: Path) -> subprocess.Popen[str]:
    """Start `script` in a fresh isolated interpreter that sees torch and safetensors but
    not LayerLab, nor PYTHON* variables, nor the user's site-packages."""
    folders = {str(Path(torch.__file__).parents[1]), str(Path(safetensors.__file__).parents[1])}
    return subprocess.Popen(
        [sys.executable, "-I", "-S", script, *sorted(folders)],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@dataclass
class Prepared:
    """One case's folder, written, and what the compiled model computed."""

    folder: Path
    expected: dict[str, torch.Tensor]
    expected_main: str


@dataclass
class ExportRun:
    prepared: Prepared
    returncode: int
    stderr: str


def prepare(case: str, folder: Path) -> Prepared:
    """Write the exported source, the weights, fixed inputs and a plan into `folder`."""
    doc = document(case)
    analysis = analyze_or_raise(doc)
    torch.manual_seed(0)
    model = layerlab.build(doc)
    perturb(model)
    model.eval()

    (folder / "exported.py").write_text(layerlab.export_python(doc))
    (folder / "runner.py").write_text(RUNNER)
    save_weights(model, folder / "weights.safetensors")

    batch, seed = 3, 1234
    plan, inputs, expected, main_lines = [], {}, {}, []
    exported_names = {net.name: name for net, name in _class_names(analysis)}
    for name, net in networks_of(model).items():
        xs = fixed_inputs(analysis, name, batch)
        inputs |= {f"{name}.{node}": x for node, x in zip(signature(net).inputs, xs, strict=True)}
        with torch.no_grad():
            outs = as_tuple(call(net, xs, batch, seed))
            # What the exported __main__ prints: the output shapes at batch 2.
            small = as_tuple(call(net, fixed_inputs(analysis, name, 2), 2, seed))
        expected |= {f"{name}.{i}": out for i, out in enumerate(outs)}
        shapes = small[0].shape if len(small) == 1 else [o.shape for o in small]
        main_lines.append(str(shapes))
        plan.append(
            {
                "name": name,
                "class": exported_names[name],
                "prefix": f"{name}." if isinstance(model, Networks) else "",
                "inputs": list(signature(net).inputs),
                "batch_size": batch if signature(net).needs_batch_size else None,
                "seed": seed,
            }
        )
    save_file({k: v.contiguous() for k, v in inputs.items()}, folder / "inputs.safetensors")
    (folder / "plan.json").write_text(json.dumps({"networks": plan}))
    return Prepared(folder, expected, "\n".join(main_lines) + "\n")


def _class_names(analysis: Analysis) -> list[tuple[Network, str]]:
    """The class the export names each network: after the document when it holds one."""
    single = len(analysis.networks) == 1
    return [
        (net, class_name(analysis.document.name if single else net.name))
        for net in analysis.networks
    ]


@pytest.fixture(scope="module")
def export_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ExportRun]:
    """Every case exported and run, the interpreters side by side (each one spends
    most of its time importing torch)."""
    prepared = {case: prepare(case, tmp_path_factory.mktemp(case)) for case in CASES}
    started = {case: start_isolated_python("runner.py", p.folder) for case, p in prepared.items()}
    runs = {}
    try:
        for case, process in started.items():
            _, stderr = process.communicate(timeout=SUBPROCESS_TIMEOUT_S)
            runs[case] = ExportRun(prepared[case], process.returncode, stderr)
    finally:
        for process in started.values():
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    return runs


# -- Python source ---------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_exported_source_reproduces_the_compiled_model_without_layerlab(
    case: str, export_runs: dict[str, ExportRun]
) -> None:
    run = export_runs[case]
    assert run.returncode == 0, run.stderr[-4000:]
    folder = run.prepared.folder
    report = json.loads((folder / "report.json").read_text())
    assert report["layerlab_importable"] is False
    got = load_file(folder / "outputs.safetensors")
    expected = run.prepared.expected
    assert set(got) == set(expected)
    for key, want in expected.items():
        torch.testing.assert_close(got[key], want, **TOLERANCE, msg=key)
    assert report["main"] == run.prepared.expected_main


def _imported_modules(tree: ast.Module) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add((node.module or "").split(".")[0] if node.level == 0 else ".")
    return found


@pytest.mark.parametrize("case", list(CASES))
def test_exported_source_is_plain_torch_with_one_class_per_network_and_block(case: str) -> None:
    source = layerlab.export_python(document(case))
    tree = ast.parse(source)
    top_level = ast.Module(
        body=[n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)], type_ignores=[]
    )
    # __future__ keeps the copied modules' annotations unevaluated; it imports nothing.
    assert _imported_modules(top_level) <= {"torch", "math", "__future__"}
    assert _imported_modules(tree) == _imported_modules(top_level), "an import inside a body"

    classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    assert len(classes) == len(set(classes)), "a class is defined twice"
    copied = {name for name in classes if name in vars(torch_modules)}
    assert set(classes) - copied == CASES[case][1]
    # PEP 8 layout: every top-level class follows two blank lines.
    assert not re.search(r"[^\n]\n\n?class ", source)


@pytest.mark.parametrize("case", list(CASES))
def test_exported_forward_lines_carry_shape_comments(case: str) -> None:
    doc = document(case)
    source = layerlab.export_python(doc)
    report = layerlab.check(doc)
    for node in report.nodes:
        if node.type in ("Input", "Output"):
            continue
        lines = [line for line in source.splitlines() if f"self.{node.id}(" in line]
        lines += [line for line in source.splitlines() if f"self.{node.id}[" in line]
        assert lines, f"no call of {node.id}"
        for line in lines:
            assert re.search(r"  # \(B[,)]", line), line
        if len(node.outputs) == 1:
            (spec,) = node.outputs.values()
            comment = "(" + ", ".join(["B", *(str(d) for d in spec.shape)]) + ")"
            assert lines[-1].endswith(f"# {comment}"), (lines[-1], comment)
    for node_id in (n.id for n in report.nodes if n.type == "Input"):
        assert re.search(rf"# {node_id}: \(B, ", source), f"no shape comment for input {node_id}"


def test_repeated_block_copies_share_one_class() -> None:
    """layer2's copies see the same shapes, so they are one class; layer1 (stride 2,
    other input width) is a variant of its own."""
    source = layerlab.export_python(document("resnet"))
    assert "self.layer1 = ProjectionBlock()" in source
    assert "self.layer2 = nn.ModuleList([ProjectionBlock2(), ProjectionBlock2()])" in source


def test_block_copies_that_differ_in_numbers_are_one_class_taking_them() -> None:
    """ResNet-18's BasicBlock at 64, 128, 256 and 512 channels is one class taking
    `channels` (named for the block parameter), not BasicBlock2..4; what follows from the
    input instead (the down-sampling block's in_channels) is an argument too. The
    exported network computes what the compiled one does."""
    doc = layerlab.load_graph(GRAPHS / "resnet18_cifar10.json")
    source = layerlab.export_python(doc)
    assert "BasicBlock2" not in source and "DownBlock2" not in source
    assert "class BasicBlock(nn.Module):" in source
    assert "def __init__(self, channels: int) -> None:" in source
    assert "nn.ModuleList([BasicBlock(channels=64), BasicBlock(channels=64)])" in source
    assert "self.layer4_down = DownBlock(channels=512, conv1_in_channels=256)" in source

    analysis = analyze_or_raise(doc)
    compiled = compile_analysis(analysis).eval()
    namespace: dict[str, object] = {}
    exec(
        compile(source.replace('if __name__ == "__main__":', "if False:"), "model.py", "exec"),
        namespace,
    )  # noqa: S102
    exported = namespace["ResNet18CIFAR10"]()  # type: ignore[operator]
    exported.load_state_dict(compiled.state_dict())
    x = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(exported.eval()(x), compiled(x), **TOLERANCE)


def test_exported_class_never_shadows_a_copied_module() -> None:
    """A document named like a copied LayerLab module ("Add") gets a class of its own."""
    doc = {
        "name": "Add",
        "nodes": [
            {"id": "x", "type": "Input", "params": {"shape": [4]}},
            {"id": "skip", "type": "Input", "params": {"shape": [4]}},
            {"id": "total", "type": "Add"},
            {"id": "out", "type": "Output"},
        ],
        "edges": [
            {"source": "x", "target": "total", "target_port": "a"},
            {"source": "skip", "target": "total", "target_port": "b"},
            {"source": "total", "target": "out"},
        ],
    }
    source = layerlab.export_python(doc)
    namespace: dict[str, Any] = {"__name__": "exported"}
    exec(compile(source, "exported.py", "exec"), namespace)  # our own generated code
    network = next(
        name
        for name in re.findall(r"^class (\w+)\(", source, re.MULTILINE)
        if name not in vars(torch_modules)
    )
    x, skip = torch.randn(2, 4), torch.randn(2, 4)
    torch.testing.assert_close(namespace[network]()(x, skip), x + skip)


# -- ONNX ------------------------------------------------------------------------------


# torch's ONNX exporter warns about its own use of a deprecated pytree API.
ONNX_EXPORTER_NOISE = pytest.mark.filterwarnings("ignore:.*LeafSpec.*:FutureWarning")


@dataclass
class OnnxExport:
    path: Path
    model: nn.Module
    weights: Path


@pytest.fixture(scope="module")
def lenet_onnx(tmp_path_factory: pytest.TempPathFactory) -> OnnxExport:
    """LeNet exported once (the exporter takes seconds), from a saved weights file."""
    folder = tmp_path_factory.mktemp("onnx")
    doc = document("lenet")
    torch.manual_seed(0)
    model = layerlab.build(doc)
    perturb(model)
    weights = folder / "lenet.safetensors"
    save_weights(model, weights)
    path = export_onnx(analyze_or_raise(doc), folder / "lenet.onnx", weights=weights)
    return OnnxExport(path, model.eval(), weights)


@ONNX_EXPORTER_NOISE
def test_onnx_export_is_a_valid_model_holding_the_given_weights(lenet_onnx: OnnxExport) -> None:
    import onnx
    from onnx import numpy_helper

    proto = onnx.load(str(lenet_onnx.path))
    onnx.checker.check_model(proto, full_check=True)
    (image,) = proto.graph.input
    assert image.name == "image"
    assert image.type.tensor_type.shape.dim[0].dim_param, "the batch axis is not symbolic"
    stored = {t.name: torch.tensor(numpy_helper.to_array(t)) for t in proto.graph.initializer}
    for key, tensor in load_file(lenet_onnx.weights).items():
        torch.testing.assert_close(stored[key], tensor, rtol=0, atol=0, msg=key)


@ONNX_EXPORTER_NOISE
@pytest.mark.parametrize("batch", [2, 5])
def test_onnx_outputs_match_torch_at_any_batch(lenet_onnx: OnnxExport, batch: int) -> None:
    import onnx
    from onnx.reference import ReferenceEvaluator

    evaluator = ReferenceEvaluator(onnx.load(str(lenet_onnx.path)))
    image = torch.randn(batch, 1, 28, 28, generator=torch.Generator().manual_seed(batch))
    (got,) = evaluator.run(None, {"image": image.numpy()})
    with torch.no_grad():
        want = lenet_onnx.model(image)
    # The reference evaluator is numpy: float32 sums in another order than torch's.
    torch.testing.assert_close(torch.from_numpy(got), want, rtol=1e-5, atol=1e-5)


def _generator_only() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((DOCUMENTS / "gan_mlp.json").read_text())
    keep = {n["id"] for n in doc["nodes"] if n.get("network") == "generator"}
    doc["nodes"] = [n for n in doc["nodes"] if n["id"] in keep]
    doc["edges"] = [e for e in doc["edges"] if e["source"] in keep]
    return doc


def test_onnx_refuses_a_network_fed_only_by_noise(tmp_path: Path) -> None:
    analysis = analyze_or_raise(layerlab.load_graph(_generator_only()))
    with pytest.raises(OnnxExportError, match=r"network 'generator' has no Input.*tensor input"):
        export_onnx(analysis, tmp_path / "generator.onnx")
    assert not (tmp_path / "generator.onnx").exists()


def test_onnx_asks_which_network_of_several(tmp_path: Path) -> None:
    analysis = analyze_or_raise(document("gan"))
    with pytest.raises(OnnxExportError, match=r"several networks \(generator, discriminator\)"):
        export_onnx(analysis, tmp_path / "gan.onnx")
    with pytest.raises(OnnxExportError, match=r"no network 'critic'"):
        export_onnx(analysis, tmp_path / "gan.onnx", network="critic")
    with pytest.raises(OnnxExportError, match=r"'generator' has no Input"):
        export_onnx(analysis, tmp_path / "gan.onnx", network="generator")
    assert not (tmp_path / "gan.onnx").exists()


# -- Weights safety --------------------------------------------------------------------


class CreatesMarker:
    """A pickle payload: unpickling it creates (opens for writing) the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return open, (str(self.marker), "w")


def lenet() -> nn.Module:
    torch.manual_seed(0)
    return layerlab.build(document("lenet"))


def test_the_pickle_payload_is_live(tmp_path: Path) -> None:
    """Unpickled, the payload does create its marker: the refusal below is meaningful."""
    marker = tmp_path / "marker"
    handle = pickle.loads(pickle.dumps(CreatesMarker(marker)))  # our own payload
    handle.close()
    assert marker.exists()


@pytest.mark.parametrize("writer", ["pickle", "torch.save"])
def test_pickle_disguised_as_safetensors_is_refused_unexecuted(tmp_path: Path, writer: str) -> None:
    marker = tmp_path / "marker"
    disguised = tmp_path / "weights.safetensors"
    payload = CreatesMarker(marker)
    if writer == "pickle":
        disguised.write_bytes(pickle.dumps(payload))
    else:
        torch.save({"fc1.weight": payload}, disguised)
    with pytest.raises(WeightsError, match=r"weights\.safetensors: not a readable safetensors"):
        load_weights(lenet(), disguised)
    assert not marker.exists()


def _saved(tmp_path: Path, tensors: dict[str, torch.Tensor]) -> Path:
    path = tmp_path / "lenet.safetensors"
    save_file(tensors, path)
    return path


def test_truncated_and_corrupt_files_are_refused(tmp_path: Path) -> None:
    model = lenet()
    whole = tmp_path / "whole.safetensors"
    save_weights(model, whole)
    data = whole.read_bytes()

    truncated = tmp_path / "truncated.safetensors"
    truncated.write_bytes(data[: len(data) // 2])
    # A header that claims 2**40 bytes: refused, not allocated.
    huge_header = tmp_path / "huge_header.safetensors"
    huge_header.write_bytes(struct.pack("<Q", 2**40) + b"{}")
    garbage = tmp_path / "garbage.safetensors"
    garbage.write_bytes(bytes(range(256)) * 8)
    empty = tmp_path / "empty.safetensors"
    empty.write_bytes(b"")

    before = {k: v.clone() for k, v in model.state_dict().items()}
    for broken in (truncated, huge_header, garbage, empty):
        with pytest.raises(WeightsError, match=rf"^{broken.name}: not a readable safetensors"):
            load_weights(model, broken)
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key]), f"{key} changed by a refused load"
    load_weights(model, whole)  # the intact file still loads


def test_wrong_keys_are_named(tmp_path: Path) -> None:
    state = {k: v.contiguous() for k, v in lenet().state_dict().items()}
    state["head.weight"] = state.pop("fc3.weight")
    path = _saved(tmp_path, state)
    with pytest.raises(WeightsError) as caught:
        load_weights(lenet(), path)
    message = str(caught.value)
    assert message.startswith(f"{path.name}: ")
    assert "fc3.weight" in message and "head.weight" in message


def test_wrong_shapes_are_named_and_nothing_is_loaded(tmp_path: Path) -> None:
    state = {k: v.contiguous() for k, v in lenet().state_dict().items()}
    state["fc3.weight"] = torch.zeros(5, 84)
    state["conv1.bias"] = torch.full((6,), 3.0)  # a valid tensor that must not be applied
    path = _saved(tmp_path, state)
    model = lenet()
    with pytest.raises(WeightsError) as caught:
        load_weights(model, path)
    message = str(caught.value)
    assert message.startswith(f"{path.name}: fc3.weight has shape (5, 84)")
    assert "(10, 84)" in message
    assert not torch.equal(model.get_parameter("conv1.bias"), torch.full((6,), 3.0))
