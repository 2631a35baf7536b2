"""Generate docs/ops.md from the registry: `python -m layerlab.ops.docs > docs/ops.md`.

`--check PATH` exits 1 when PATH differs from what the registry generates, so a
stale reference page fails the build.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from layerlab.ops import REGISTRY, Op


def _field_type(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return " \\| ".join(f'"{v}"' for v in schema["enum"])
    if "const" in schema:
        return repr(schema["const"])
    if "anyOf" in schema:
        return " or ".join(_field_type(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_field_type(schema.get('items', {}))}"
    bounds = []
    for key, sign in (
        ("minimum", ">="),
        ("exclusiveMinimum", ">"),
        ("maximum", "<="),
        ("exclusiveMaximum", "<"),
    ):
        if key in schema:
            bounds.append(f"{sign} {schema[key]}")
    kind = str(schema.get("type", "any"))
    return f"{kind} ({', '.join(bounds)})" if bounds else kind


def _learn(op: Op[Any]) -> list[str]:
    """The op's Learn card, in English (the inspector shows the same card)."""
    card = op.learn
    return [
        "",
        "**Learn**",
        "",
        f"- computes: `{card.formula}`",
        f"- shape: {card.shape.en}",
        f"- parameters: {card.params.en}",
        f"- when to use it: {card.when.en}",
        f"- common mistakes: {card.mistakes.en}",
    ]


def render() -> str:
    lines = [
        "# Node types",
        "",
        "Generated from the registry (`layerlab.ops`) by `make docs`; do not edit by hand.",
        "Shapes exclude the batch dimension. Sizes that follow from the input",
        "(in_features, in_channels, normalized_shape, embed_dim, ...) are inferred.",
        "",
    ]
    categories: dict[str, list[str]] = {}
    for name, op in REGISTRY.items():
        categories.setdefault(op.category, []).append(name)
    lines.append("| category | types |")
    lines.append("| --- | --- |")
    for category, names in categories.items():
        lines.append(f"| {category} | {', '.join(f'[{n}](#{n.lower()})' for n in names)} |")
    for name, op in REGISTRY.items():
        lines += ["", f"## {name}", "", f"*{op.category}.* {op.summary}", ""]
        ins = ", ".join(
            f"`{p.name}`{' (optional)' if p.optional else ''}: {p.description}" for p in op.inputs
        )
        outs = ", ".join(f"`{p.name}`: {p.description}" for p in op.outputs)
        lines.append(f"- inputs: {ins or 'none'}")
        lines.append(f"- outputs: {outs or 'none'}")
        lines += _learn(op)
        schema = op.Params.model_json_schema()
        props = schema.get("properties", {})
        if props:
            lines += [
                "",
                "| parameter | type | default | description |",
                "| --- | --- | --- | --- |",
            ]
            for field, prop in props.items():
                default = prop.get("default")
                lines.append(
                    f"| `{field}` | {_field_type(prop)} | `{default!r}` | {prop.get('description', '')} |"
                )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", metavar="PATH", help="fail if PATH is not up to date")
    args = parser.parse_args(argv)
    text = render()
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
