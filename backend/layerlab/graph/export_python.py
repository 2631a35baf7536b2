"""Export a document as standalone PyTorch source that runs with torch alone.

One `nn.Module` class per network and per block (a block used with different
parameters or input shapes gets one class per variant), constructors written out
with every inferred size, a shape comment on every line of `forward`, and the few
LayerLab modules the graph uses copied in. Submodule names equal node ids, so the
state_dict keys, and hence the safetensors weights, are those of `layerlab.build`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Collection, Sequence
from typing import Any

from layerlab.graph.analysis import Analysis
from layerlab.graph.compile import class_name
from layerlab.graph.document import BlockDoc
from layerlab.graph.export_classes import Family, split_numbers
from layerlab.graph.inference import BodyResult
from layerlab.graph.traversal import Step, traverse
from layerlab.graph.wiring import Body
from layerlab.ops import TensorSpec, torch_modules

INDENT = "    "


def shape_comment(spec: TensorSpec) -> str:
    dims = ", ".join(["B", *(str(d) for d in spec.shape)])
    return f"({dims})" + ("" if spec.dtype == "float32" else f" {spec.dtype}")


class _Exporter:
    def __init__(self, analysis: Analysis):
        self.analysis = analysis
        self.classes: list[str | Family] = []
        self.class_by_text: dict[str, str] = {}
        # Names the copied LayerLab modules (and their imports) bind at module level: a
        # network or block class of the same name would shadow them (a document named
        # "Add" would construct itself forever).
        self.class_names: set[str] = set(vars(torch_modules))
        self.custom: set[str] = set()
        # Blocks: one class per family of copies that differ only in numbers (their
        # arguments), and each instance's call, placed once every copy is known.
        self.families: dict[tuple[str, tuple[str, ...]], Family] = {}
        self.calls: list[tuple[Family, int]] = []

    def unique_class(self, wanted: str) -> str:
        name, n = wanted, 2
        while name in self.class_names:
            name, n = f"{wanted}{n}", n + 1
        self.class_names.add(name)
        return name

    def body_class(
        self,
        body: Body,
        result: BodyResult,
        members: Collection[str] | None,
        wanted: str,
        needs_batch_size: bool,
        doc: str,
    ) -> str:
        """The class for one body (the same class again for a body that prints the same)."""
        writer = _ClassWriter(self, body, result)
        traverse(body, result, writer, members, needs_batch_size)
        text = _class_text("{name}", doc, writer.init, writer.arguments, writer.forward)
        if text in self.class_by_text:
            return self.class_by_text[text]
        name = self.unique_class(wanted)
        self.class_by_text[text] = name
        self.classes.append(text.replace("{name}", name, 1))
        return name

    def block_call(
        self, body: Body, result: BodyResult, block: BlockDoc, bindings: dict[str, Any]
    ) -> str:
        """A placeholder for how one copy of `block` is built (see `place_calls`)."""
        writer = _ClassWriter(self, body, result)
        traverse(body, result, writer, None, False)
        text = _class_text(
            "{name}", block.description, writer.init, writer.arguments, writer.forward
        )
        parts, values = split_numbers(text)
        key = (block.name, tuple(parts))
        family = self.families.get(key)
        if family is None:
            family = self.families[key] = Family(self.unique_class(class_name(block.name)), parts)
            self.classes.append(family)
        self.calls.append((family, family.add(values, bindings)))
        return _placeholder(len(self.calls) - 1)

    def place_calls(self, text: str) -> str:
        """Each block placeholder replaced by its call, `BasicBlock(channels=128)`."""
        for i in reversed(range(len(self.calls))):  # nested calls sit inside outer ones
            family, index = self.calls[i]
            text = text.replace(_placeholder(i), family.call(index))
        return text

    def custom_source(self) -> str:
        """The LayerLab modules used, with the helper functions and modules they call
        (and those call in turn): functions first, in the module's order, then classes."""
        own = [
            name
            for name, obj in vars(torch_modules).items()
            if (inspect.isfunction(obj) or inspect.isclass(obj))
            and obj.__module__ == torch_modules.__name__
        ]
        sources = {name: inspect.getsource(getattr(torch_modules, name)) for name in own}
        used, pending = set(self.custom), list(self.custom)
        while pending:
            text = sources[pending.pop()]
            for name in own:
                if name not in used and re.search(rf"\b{name}\(", text):
                    used.add(name)
                    pending.append(name)
        functions = [n for n in own if n in used and inspect.isfunction(getattr(torch_modules, n))]
        classes = sorted(n for n in used if n not in functions)
        return "\n\n\n".join(sources[n].rstrip() for n in [*functions, *classes])  # PEP 8


class _ClassWriter:
    """Writes one class's `__init__` and `forward` lines; a value is the name (or the
    expression) that holds it, and a call's value is what its line assigns."""

    def __init__(self, exporter: _Exporter, body: Body, result: BodyResult):
        self.exporter = exporter
        self.body = body
        self.result = result
        self.init: list[str] = []
        self.forward: list[str] = []
        self.arguments: list[str] = []
        self.taken = set(body.nodes) | {"self", "batch_size"}
        self.target = ""  # what every call of the current node assigns

    def input(self, node_id: str) -> str:
        self.arguments.append(node_id)
        self.forward.append(
            f"# {node_id}: {shape_comment(self.result.nodes[node_id].outputs['y'])}"
        )
        return node_id

    def batch_size(self) -> str:
        self.arguments.append("batch_size: int = 1")
        return "batch_size"

    def batch_size_of(self, first_input: str) -> str:
        return f"{first_input}.shape[0]"

    def module(self, step: Step) -> None:
        self.target = self._target(step)
        if isinstance(step.definition, BlockDoc):
            block = step.definition
            body = self.exporter.analysis.blocks[block.name]
            bindings = {**block.params, **self.body.nodes[step.node_id].params}
            calls = [
                self.exporter.block_call(body, copy, block, bindings) for copy in step.result.copies
            ]
            made = calls[0] if len(calls) == 1 else f"nn.ModuleList([{', '.join(calls)}])"
            self.init.append(f"self.{step.node_id} = {made}")
        else:
            call = step.definition.module(step.result.op_params, step.result.inputs)
            if call.cls.__module__ == torch_modules.__name__:
                self.exporter.custom.add(call.cls.__name__)
            self.init.append(f"self.{step.node_id} = {call.source()}")

    def call(
        self, step: Step, copy: int | None, args: Sequence[str | None], batch: str | None
    ) -> str:
        callee = f"self.{step.node_id}" + ("" if copy is None else f"[{copy}]")
        written = ["None" if a is None else a for a in args]
        if batch is not None:
            written.append(f"batch_size={batch}")
        outputs = step.result.outputs
        shapes = ", ".join(shape_comment(outputs[p]) for p in outputs if p in step.bound)
        self.forward.append(f"{self.target} = {callee}({', '.join(written)})  # {shapes}")
        return self.target

    def item(self, call: str, index: int) -> str:
        return call.split(", ")[index]  # the call's line unpacked its tuple into names

    def output(self, values: Sequence[str]) -> None:
        self.forward.append(f"return {', '.join(values)}")

    def _target(self, step: Step) -> str:
        """What a call of the node assigns: the node id, or one name per output port
        (`_` for a port nothing reads), unique in this forward."""
        if not step.unpacks:
            return step.node_id
        names = []
        for port in step.ports:
            if port not in step.bound:
                names.append("_")
                continue
            name, n = f"{step.node_id}_{port}", 2
            while name in self.taken:
                name, n = f"{step.node_id}_{port}{n}", n + 1
            self.taken.add(name)
            names.append(name)
        return ", ".join(names)


def _class_text(name: str, doc: str, init: list[str], args: list[str], forward: list[str]) -> str:
    lines = [f"class {name}(nn.Module):"]
    if doc:
        lines.append(f'{INDENT}"""{_docstring(doc)}"""')
        lines.append("")
    lines.append(f"{INDENT}def __init__(self) -> None:")
    lines.append(f"{INDENT * 2}super().__init__()")
    lines.extend(f"{INDENT * 2}{line}" for line in init)
    lines.append("")
    lines.append(f"{INDENT}def forward(self, {', '.join(args)}):")
    lines.extend(f"{INDENT * 2}{line}" for line in forward)
    return "\n".join(lines)


def _placeholder(index: int) -> str:
    """A call's stand-in while its family may still grow: no digits (they would be read
    as one of an enclosing class's numbers)."""
    letters = ""
    while True:
        index, rest = divmod(index, 26)
        letters = chr(ord("a") + rest) + letters
        if not index:
            return f"\x00{letters}\x00"


def _docstring(text: str) -> str:
    return " ".join(text.replace('"""', "'''").replace("\\", "/").split())


def python_source(analysis: Analysis) -> str:
    assert analysis.top is not None and analysis.result is not None
    doc = analysis.document
    exporter = _Exporter(analysis)
    network_classes = []
    for net in analysis.networks:
        wanted = class_name(doc.name if len(analysis.networks) == 1 else net.name)
        name = exporter.body_class(
            analysis.top,
            analysis.result,
            net.nodes,
            wanted,
            net.needs_batch_size,
            doc.description if len(analysis.networks) == 1 else "",
        )
        network_classes.append((net, name))

    custom = exporter.custom_source()
    head = [
        f'"""{_docstring(doc.name)}: exported from LayerLab.',
        "",
        *([_docstring(doc.description), ""] if doc.description else []),
        "Runs with torch alone. Load trained weights with:",
        "    from safetensors.torch import load_file",
        f"    model = {network_classes[0][1]}(); model.load_state_dict(load_file('weights.safetensors'))",
        "",
        "Shapes in comments are (B, ...): the batch first.",
        '"""',
        "",
        # The copied modules' annotations name typing's Any, which the file does not
        # import: left unevaluated, they cost nothing and need nothing.
        *(["from __future__ import annotations", ""] if custom else []),
        *(["import math", ""] if "math." in custom else []),
        "import torch",
        *(["import torch.nn.functional as F"] if "F." in custom else []),
        "from torch import nn",
    ]
    sections = ["\n".join(head)]
    if custom:
        sections.append(custom)
    sections.extend(c if isinstance(c, str) else c.text() for c in exporter.classes)
    sections.append(_main(analysis, network_classes))
    return exporter.place_calls("\n\n\n".join(sections)) + "\n"


def _main(analysis: Analysis, network_classes: list[Any]) -> str:
    assert analysis.result is not None
    lines = ['if __name__ == "__main__":']
    for net, name in network_classes:
        var = "model" if len(network_classes) == 1 else net.name
        lines.append(f"{INDENT}{var} = {name}()")
        if net.needs_batch_size:
            call = "2"
        else:
            shapes = []
            for node_id in net.inputs:
                spec = analysis.result.nodes[node_id].outputs["y"]
                dims = ", ".join(str(d) for d in (2, *spec.shape))
                shapes.append(
                    f"torch.zeros({dims}, dtype=torch.long)"
                    if spec.dtype == "int64"
                    else f"torch.randn({dims})"
                )
            call = ", ".join(shapes)
        lines.append(f"{INDENT}out = {var}({call})")
        lines.append(
            f"{INDENT}print(out.shape if isinstance(out, torch.Tensor) else [o.shape for o in out])"
        )
    return "\n".join(lines)
