"""Every preset document checks clean, compiles, and survives export.

The round trip is the promise of the Export button: the exported Python source plus the
safetensors weights compute what the compiled model computes. All presets' exports run
in one fresh interpreter started without `site` (so LayerLab cannot be imported there),
given only the folders holding torch and safetensors. Each preset's weights are first
moved off their initial values, so that a weight or running statistic the export drops
or swaps changes the outputs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import safetensors
import torch
from safetensors.torch import load_file, save_file
from torch import nn

import layerlab
from layerlab.graph.check import CheckResult
from layerlab.graph.compile import Networks, class_name, signature
from layerlab.graph.document import GraphDocument
from layerlab.graph.weights import save_weights
from tests.presets.helpers import load_preset, preset_ids
from tests.weights import perturb

TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}
BATCH = 3
NOISE_SEED = 1234
"""Seeds the noise a generator draws, on both sides of the round trip."""
SUBPROCESS_TIMEOUT_S = 300

RUNNER = '''\
"""Runs without LayerLab: for each preset folder, load the exported source, its weights
and inputs, and save what each network returns (or the error, to report it)."""

import importlib.util
import json
import sys
import traceback
from pathlib import Path

folders = [Path(p) for p in json.loads(sys.argv[1])]
sys.path.extend(json.loads(sys.argv[2]))  # torch and safetensors; there is no site
import torch
from safetensors.torch import load_file, save_file

try:
    import layerlab  # noqa: F401
    layerlab_importable = True
except ImportError:
    layerlab_importable = False

for folder in folders:
    try:
        spec = importlib.util.spec_from_file_location(folder.name, folder / "exported.py")
        exported = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(exported)
        plan = json.loads((folder / "plan.json").read_text())
        weights = load_file(str(folder / "weights.safetensors"))
        inputs = load_file(str(folder / "inputs.safetensors"))
        outputs = {}
        for net in plan:
            model = getattr(exported, net["class"])()
            prefix = net["prefix"]
            model.load_state_dict(
                {k[len(prefix):]: v for k, v in weights.items() if k.startswith(prefix)}
            )
            model.eval()
            with torch.no_grad():
                if net["batch_size"]:
                    torch.manual_seed(net["seed"])
                    result = model(batch_size=net["batch_size"])
                else:
                    result = model(*(inputs[f"{net['name']}.{i}"] for i in net["inputs"]))
            for i, tensor in enumerate(result if isinstance(result, tuple) else (result,)):
                outputs[f"{net['name']}.{i}"] = tensor.contiguous()
        save_file(outputs, str(folder / "outputs.safetensors"))
    except Exception:
        (folder / "error.txt").write_text(traceback.format_exc())
(Path(folders[0]).parent / "report.json").write_text(
    json.dumps({"layerlab_importable": layerlab_importable})
)
'''


@pytest.mark.parametrize("name", preset_ids())
def test_preset_checks_clean(name: str) -> None:
    report = layerlab.check(load_preset(name))
    assert report.ok, [str(e) for e in report.errors]
    assert not report.errors and not report.warnings, [str(w) for w in report.warnings]
    assert report.totals.params > 0


def networks_of(model: nn.Module) -> dict[str, nn.Module]:
    if isinstance(model, Networks):
        return dict(model.items())
    return {signature(model).name: model}


def input_specs(report: CheckResult) -> dict[str, tuple[tuple[int, ...], str]]:
    """Each Input node's (shape, dtype), batch excluded."""
    return {
        node.id: (node.outputs["y"].shape, node.outputs["y"].dtype)
        for node in report.nodes
        if node.type == "Input"
    }


def smallest_vocabulary(doc: GraphDocument) -> int:
    """Token ids must be valid for every Embedding of the document, blocks included."""
    sizes = [
        node.params["num_embeddings"]
        for node in [*doc.nodes, *(n for block in doc.blocks for n in block.nodes)]
        if node.type == "Embedding"
    ]
    # A block may take the size as a "$parameter"; the literal sizes bound the ids.
    return min((size for size in sizes if isinstance(size, int)), default=2)


def fixed_inputs(doc: GraphDocument, report: CheckResult, net: nn.Module) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(5)
    specs = input_specs(report)
    made = []
    for node in signature(net).inputs:
        shape, dtype = specs[node]
        if dtype == "int64":
            high = smallest_vocabulary(doc)
            made.append(torch.randint(0, high, (BATCH, *shape), generator=generator))
        else:
            made.append(torch.randn((BATCH, *shape), generator=generator))
    return made


def call(net: nn.Module, inputs: list[torch.Tensor]) -> tuple[torch.Tensor, ...]:
    if signature(net).needs_batch_size:
        torch.manual_seed(NOISE_SEED)
        result = net(batch_size=BATCH)
    else:
        result = net(*inputs)
    return result if isinstance(result, tuple) else (result,)


@dataclass
class Exported:
    folder: Path
    expected: dict[str, torch.Tensor]


def export_preset(name: str, folder: Path) -> Exported:
    """Compile, perturb, run; write the export, weights, inputs and a plan to `folder`."""
    doc = load_preset(name)
    report = layerlab.check(doc)
    torch.manual_seed(0)
    model = layerlab.build(doc)
    perturb(model, scale=0.05)
    model.eval()
    folder.mkdir()
    (folder / "exported.py").write_text(layerlab.export_python(doc))
    save_weights(model, folder / "weights.safetensors")
    several = isinstance(model, Networks)
    plan, inputs, expected = [], {}, {}
    with torch.no_grad():
        for net_name, net in networks_of(model).items():
            xs = fixed_inputs(doc, report, net)
            for node, x in zip(signature(net).inputs, xs, strict=True):
                inputs[f"{net_name}.{node}"] = x
            for i, out in enumerate(call(net, xs)):
                expected[f"{net_name}.{i}"] = out
            plan.append(
                {
                    "name": net_name,
                    "class": class_name(net_name if several else doc.name),
                    "prefix": f"{net_name}." if several else "",
                    "inputs": list(signature(net).inputs),
                    "batch_size": BATCH if signature(net).needs_batch_size else None,
                    "seed": NOISE_SEED,
                }
            )
    save_file(inputs, str(folder / "inputs.safetensors"))
    (folder / "plan.json").write_text(json.dumps(plan))
    return Exported(folder, expected)


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Exported]:
    """Every preset exported, then all run by one fresh interpreter (starting one costs
    seconds of importing torch; twenty would cost a minute)."""
    root = tmp_path_factory.mktemp("exports")
    done = {name: export_preset(name, root / name) for name in preset_ids()}
    (root / "runner.py").write_text(RUNNER)
    folders = sorted({str(Path(m.__file__).parents[1]) for m in (torch, safetensors)})
    finished = subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",
            str(root / "runner.py"),
            json.dumps([str(e.folder) for e in done.values()]),
            json.dumps(folders),
        ],
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT_S,
    )
    assert finished.returncode == 0, finished.stderr[-4000:]
    report = json.loads((root / "report.json").read_text())
    assert report["layerlab_importable"] is False, "the export must run without LayerLab"
    return done


@pytest.mark.parametrize("name", preset_ids())
def test_exported_source_and_weights_reproduce_the_compiled_model(
    name: str, exports: dict[str, Exported]
) -> None:
    exported = exports[name]
    error = exported.folder / "error.txt"
    assert not error.exists(), error.read_text()[-4000:]
    got = load_file(str(exported.folder / "outputs.safetensors"))
    assert set(got) == set(exported.expected)
    for key, want in exported.expected.items():
        torch.testing.assert_close(got[key], want, **TOLERANCE, msg=f"{name}: output {key}")


@pytest.mark.parametrize("name", preset_ids())
def test_preset_compiles_to_the_shapes_its_check_reports(name: str) -> None:
    doc = load_preset(name)
    report = layerlab.check(doc)
    outputs = {node.id: node.inputs["x"].shape for node in report.nodes if node.type == "Output"}
    torch.manual_seed(0)
    model = layerlab.build(doc).eval()
    with torch.no_grad():
        for net in networks_of(model).values():
            results = call(net, fixed_inputs(doc, report, net))
            for node, result in zip(signature(net).outputs, results, strict=True):
                assert tuple(result.shape) == (BATCH, *outputs[node]), node
                assert torch.isfinite(result).all(), f"{name}: {node} is not finite"
