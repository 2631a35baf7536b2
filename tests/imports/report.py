"""The model zoo's import report, and docs/import.md made from it:

    python -m tests.imports.report > docs/import.md      (make docs)
    python -m tests.imports.report --check docs/import.md

Each zoo model is imported, built with the imported weights and compared with the
original (outputs in eval mode, gradients in train mode without dropout, to 1e-5, on a
batch size the import did not see), and its exported Python is compared too. The
tests read the same results (`result`), so the zoo is imported once per session.
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import torch

from layerlab.graph.check import analyze_or_raise
from layerlab.graph.compile import class_name
from layerlab.graph.export_python import python_source
from layerlab.imports import Imported, ImportRefused, from_torch
from tests.imports.exactness import as_if_trained, load_source, same_gradients, same_outputs
from tests.imports.zoo import ZOO, ZooModel

TORCHVISION_MODELS = [
    "resnet18",
    "vgg11",
    "alexnet",
    "mobilenet_v2",
    "mobilenet_v3_small",
    "efficientnet_b0",
    "densenet121",
    "squeezenet1_0",
    "shufflenet_v2_x0_5",
    "regnet_y_400mf",
    "vit_b_16",
    "swin_t",
    "convnext_tiny",
]


@dataclass
class Row:
    model: str
    family: str
    via: str = ""
    nodes: int = 0
    expanded: int = 0
    blocks: list[str] = field(default_factory=list)
    outputs: str = ""
    gradients: str = ""
    python: str = ""
    unsupported: list[str] = field(default_factory=list)
    imported: Imported | None = None

    @property
    def exact(self) -> bool:
        return (
            self.imported is not None and self.outputs == self.gradients == self.python == "equal"
        )


def _check(action: Callable[[], object]) -> str:
    try:
        action()
    except AssertionError as exc:
        return f"differ: {str(exc).splitlines()[0][:120]}"
    return "equal"


@cache
def result(zoo: ZooModel) -> Row:
    row = Row(zoo.name, zoo.family)
    torch.manual_seed(0)
    model = zoo.make()
    as_if_trained(model)
    try:
        imported = from_torch(model, zoo.inputs(3))
    except ImportRefused as exc:
        row.via = exc.via
        row.unsupported = [f"{u.call} ({u.path or 'top'}): {u.reason}" for u in exc.unsupported]
        return row
    row.imported, row.via = imported, imported.via
    doc = imported.document
    row.nodes = len(doc.nodes)
    row.expanded = _expanded(imported)
    row.blocks = [_block_label(imported, b.name) for b in doc.blocks]
    inputs = zoo.inputs(2)
    # Each check on its own copy: a train-mode step moves BatchNorm's statistics.
    row.outputs = _check(lambda: same_outputs(copy.deepcopy(model), imported.build(), inputs))
    row.gradients = _check(lambda: same_gradients(copy.deepcopy(model), imported, inputs))
    row.python = _check(lambda: _python_round_trip(copy.deepcopy(model), imported, inputs))
    return row


def _expanded(imported: Imported) -> int:
    from layerlab.graph.check import summarize

    return summarize(analyze_or_raise(imported.document)).totals.nodes


def _block_label(imported: Imported, block: str) -> str:
    """`BasicBlock (5 copies; layer1 repeat 2)`."""
    uses = [n for n in imported.document.nodes if n.type == block]
    nested = [n for b in imported.document.blocks for n in b.nodes if n.type == block]
    copies = sum(n.repeat for n in uses) if uses else len(nested)
    repeats = [f"{n.id} repeat {n.repeat}" for n in [*uses, *nested] if n.repeat > 1]
    return f"{block} ({'; '.join([f'{copies} copies', *repeats])})"


def _python_round_trip(
    model: torch.nn.Module, imported: Imported, inputs: tuple[object, ...]
) -> None:
    source = python_source(analyze_or_raise(imported.document))
    with tempfile.TemporaryDirectory() as folder:
        name = f"zoo_{class_name(imported.document.name).lower()}"
        exported = load_source(source, Path(folder), name)
        network = getattr(exported, class_name(imported.document.name))()
        network.load_state_dict(imported.weights)
        same_outputs(model, network, inputs)


def torchvision_section() -> list[str]:
    try:
        import torchvision  # type: ignore[import-untyped]  # noqa: F401
    except Exception as exc:  # a build that does not match torch fails in many ways
        reason = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        return [
            "torchvision's classification models (ResNet, VGG, AlexNet, MobileNet v2/v3,",
            "EfficientNet, DenseNet, SqueezeNet, ShuffleNet, RegNet, ViT, Swin, ConvNeXt) are",
            "imported the same way where a torchvision release matching the pinned torch",
            f"installs. **Not available here:** `import torchvision` fails ({reason}); the",
            "registry's build for this torch (0.29.1, tried) fails at import too (`operator",
            "torchvision::nms does not exist`), so torchvision is no dependency, this pass was",
            "not run, and no pass rate is claimed.",
        ]
    lines = ["| torchvision model | imported | unsupported |", "| --- | --- | --- |"]
    passed = 0
    for name in TORCHVISION_MODELS:
        import torchvision.models as models  # type: ignore[import-untyped]

        torch.manual_seed(0)
        model = getattr(models, name)(weights=None).eval()
        size = 224
        try:
            from_torch(model, torch.randn(2, 3, size, size))
            passed += 1
            lines.append(f"| {name} | yes | |")
        except ImportRefused as exc:
            calls = sorted({u.call for u in exc.unsupported})
            lines.append(f"| {name} | no | {', '.join(calls)} |")
    return [f"Pass rate: {passed} of {len(TORCHVISION_MODELS)}.", "", *lines]


def render(rows: list[Row]) -> str:
    lines = [
        "# Importing models",
        "",
        "Generated from the model zoo (`tests/imports/zoo.py`) by `make docs`; do not edit",
        "by hand. `layerlab.from_torch(module, example_inputs)` and `layerlab import",
        "model.py:ClassName --input-shape ...` bring a PyTorch model in as a graph document",
        "with its weights; ONNX files come in through the server (`POST /api/import/onnx`).",
        "",
        "Every call is mapped to a node type exactly or refused with its module path and",
        "source line. *Exact* means: the document built with the imported weights gives the",
        "original's outputs (eval mode) and gradients (train mode, dropout off) to 1e-5 on a",
        "batch size the import did not see, and so does its exported Python.",
        "",
        "| model | family | imported | via | nodes (expanded) | blocks found | exact | unsupported calls |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        if row.imported is None:
            unsupported = "; ".join(row.unsupported)
            lines.append(f"| {row.model} | {row.family} | no | {row.via} | | | | {unsupported} |")
            continue
        exact = (
            "yes"
            if row.exact
            else "no: "
            + ", ".join(
                f"{what} {value}"
                for what, value in (
                    ("outputs", row.outputs),
                    ("gradients", row.gradients),
                    ("Python", row.python),
                )
                if value != "equal"
            )
        )
        blocks = ", ".join(row.blocks) or "none"
        lines.append(
            f"| {row.model} | {row.family} | yes | {row.via} | {row.nodes} ({row.expanded}) | "
            f"{blocks} | {exact} | none |"
        )
    imported = sum(r.imported is not None for r in rows)
    exact = sum(r.exact for r in rows)
    lines += [
        "",
        f"{imported} of {len(rows)} imported, {exact} of {len(rows)} exact.",
        "",
        "## torchvision",
        "",
        *torchvision_section(),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", metavar="PATH", help="fail if PATH is not up to date")
    args = parser.parse_args(argv)
    text = render([result(z) for z in ZOO])
    if args.check:
        path = Path(args.check)
        if not path.exists() or path.read_text() != text:
            sys.stderr.write(f"{path} is stale: run `make docs`\n")
            return 1
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
