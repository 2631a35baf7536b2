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
from typing import Any

from layerlab.graph.analysis import Analysis, BodyResult
from layerlab.graph.compile import class_name
from layerlab.graph.document import BlockDoc
from layerlab.graph.wiring import Body, input_ports, is_source, output_ports
from layerlab.ops import Op, TensorSpec, torch_modules

INDENT = "    "


def shape_comment(spec: TensorSpec) -> str:
    dims = ", ".join(["B", *(str(d) for d in spec.shape)])
    return f"({dims})" + ("" if spec.dtype == "float32" else f" {spec.dtype}")


class _Exporter:
    def __init__(self, analysis: Analysis):
        self.analysis = analysis
        self.classes: list[str] = []
        self.class_by_text: dict[str, str] = {}
        # Names the copied LayerLab modules (and their imports) bind at module level: a
        # network or block class of the same name would shadow them (a document named
        # "Add" would construct itself forever).
        self.class_names: set[str] = set(vars(torch_modules))
        self.custom: set[str] = set()

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
        members: list[str],
        wanted: str,
        needs_batch_size: bool,
        doc: str,
    ) -> str:
        init: list[str] = []
        forward: list[str] = []
        taken = set(body.nodes) | {"self", "batch_size"}
        values: dict[tuple[str, str], str] = {}
        inputs = [n for n in members if _is_op(body.kinds[n], "Input")]
        args = ["batch_size: int = 1"] if needs_batch_size else inputs
        for node_id in inputs:
            values[(node_id, "y")] = node_id
            forward.append(f"# {node_id}: {shape_comment(result.nodes[node_id].outputs['y'])}")
        batch_expr = (
            "batch_size" if needs_batch_size else (f"{inputs[0]}.shape[0]" if inputs else "1")
        )

        for node_id in body.order:
            kind = body.kinds[node_id]
            if node_id not in set(members) or _is_op(kind, "Input") or _is_op(kind, "Output"):
                continue
            node = result.nodes[node_id]
            call_args = self._arguments(body, node_id, values)
            outs = self._output_names(body, node_id, kind, taken)
            shapes = ", ".join(
                shape_comment(node.outputs[p]) for p in node.outputs if (node_id, p) in outs
            )
            target = (
                ", ".join(outs.values())
                if len(output_ports(kind)) == 1
                else ", ".join(outs.get((node_id, p.name), "_") for p in output_ports(kind))
            )
            if isinstance(kind, BlockDoc):
                init_line, calls = self._block(kind, node_id, node.copies, call_args, target)
                init.append(init_line)
                forward.extend(f"{line}  # {shapes}" for line in calls)
            else:
                call = kind.module(node.op_params, node.inputs)
                if call.cls.__module__ == torch_modules.__name__:
                    self.custom.add(call.cls.__name__)
                init.append(f"self.{node_id} = {call.source()}")
                if is_source(kind) and not body.wires_in[node_id]:
                    call_args.append(f"batch_size={batch_expr}")
                forward.append(f"{target} = self.{node_id}({', '.join(call_args)})  # {shapes}")
            values.update(outs)

        outputs = [n for n in members if _is_op(body.kinds[n], "Output")]
        returned = [
            values[(w.source, w.source_port)] for n in outputs for w in [body.wires_in[n]["x"]]
        ]
        forward.append(f"return {', '.join(returned)}")
        text = _class_text("{name}", doc, init, args, forward)
        if text in self.class_by_text:
            return self.class_by_text[text]
        name = self.unique_class(wanted)
        self.class_by_text[text] = name
        self.classes.append(text.replace("{name}", name, 1))
        return name

    def _arguments(self, body: Body, node_id: str, values: dict[tuple[str, str], str]) -> list[str]:
        ports = [p.name for p in input_ports(body.kinds[node_id])]
        wires = body.wires_in[node_id]
        last = max((i for i, p in enumerate(ports) if p in wires), default=-1)
        return [
            values[(wires[p].source, wires[p].source_port)] if p in wires else "None"
            for p in ports[: last + 1]
        ]

    def _output_names(
        self, body: Body, node_id: str, kind: Op[Any] | BlockDoc, taken: set[str]
    ) -> dict[tuple[str, str], str]:
        ports = [p.name for p in output_ports(kind)]
        if len(ports) == 1:
            return {(node_id, ports[0]): node_id}
        used = {w.source_port for w in body.wires_out[node_id]}
        names = {}
        for port in ports:
            if port in used:
                name, n = f"{node_id}_{port}", 2
                while name in taken:
                    name, n = f"{node_id}_{port}{n}", n + 1
                taken.add(name)
                names[(node_id, port)] = name
        return names

    def _block(
        self, block: BlockDoc, node_id: str, copies: list[BodyResult], args: list[str], target: str
    ) -> tuple[str, list[str]]:
        body = self.analysis.blocks[block.name]
        members = list(body.nodes)
        names = [
            self.body_class(body, copy, members, class_name(block.name), False, block.description)
            for copy in copies
        ]
        chained = target.split(", ")[0]
        if len(names) == 1:
            return f"self.{node_id} = {names[0]}()", [
                f"{target} = self.{node_id}({', '.join(args)})"
            ]
        init = f"self.{node_id} = nn.ModuleList([{', '.join(n + '()' for n in names)}])"
        calls = []
        for i in range(len(names)):
            calls.append(f"{target} = self.{node_id}[{i}]({', '.join(args)})")
            args = [chained, *args[1:]]
        return init, calls

    def custom_source(self) -> str:
        """The LayerLab modules used, with the helper functions they call."""
        helpers = [
            name
            for name, obj in vars(torch_modules).items()
            if inspect.isfunction(obj) and obj.__module__ == torch_modules.__name__
        ]
        parts: list[str] = []
        classes = [getattr(torch_modules, n) for n in sorted(self.custom)]
        sources = [inspect.getsource(c) for c in classes]
        needed = [h for h in helpers if any(re.search(rf"\b{h}\(", s) for s in sources)]
        for helper in needed:
            parts.append(inspect.getsource(getattr(torch_modules, helper)))
        parts.extend(sources)
        return "\n\n\n".join(p.rstrip() for p in parts)  # PEP 8: two blank lines


def _is_op(kind: Op[Any] | BlockDoc, name: str) -> bool:
    return isinstance(kind, Op) and kind.name == name


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


def _docstring(text: str) -> str:
    return " ".join(text.replace('"""', "'''").replace("\\", "/").split())


def python_source(analysis: Analysis) -> str:
    assert analysis.top is not None and analysis.result is not None
    doc = analysis.document
    exporter = _Exporter(analysis)
    network_classes = []
    for net in analysis.networks:
        wanted = class_name(doc.name if len(analysis.networks) == 1 else net.name)
        members = [n for n in analysis.top.nodes if n in set(net.nodes)]
        name = exporter.body_class(
            analysis.top,
            analysis.result,
            members,
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
        "from torch import nn",
    ]
    sections = ["\n".join(head)]
    if custom:
        sections.append(custom)
    sections.extend(exporter.classes)
    sections.append(_main(analysis, network_classes))
    return "\n\n\n".join(sections) + "\n"


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
