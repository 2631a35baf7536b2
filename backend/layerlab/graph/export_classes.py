"""One exported class per block, taking its parameters: the copies of a block that print
the same but for some numbers (ResNet's BasicBlock at 64, 128, 256 and 512 channels)
become one class whose `__init__` takes those numbers, instead of BasicBlock2..4.

Each copy's class text is split at its number literals. Copies whose other text is the
same form a family; a slot whose value differs between them becomes a constructor
argument, named for the block parameter it always equals (`channels`), else for the
module and keyword it sits in (`conv1_in_channels`); slots that always agree are one
argument. In a shape comment a varying number reads as its argument's name, or `?`.
Pure text: export_python.py gives the texts and places the calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?(?:e-?\d+)?)(?![\w.])")
INIT = "def __init__(self) -> None:"


@dataclass
class Variant:
    values: list[str]
    bindings: dict[str, Any]
    """The block parameters this copy was built with (the instance's over the defaults)."""


@dataclass
class Family:
    """The copies of one block that print alike but for their numbers."""

    name: str
    parts: list[str]
    """The text between number literals: len(parts) == len(values) + 1."""
    variants: list[Variant] = field(default_factory=list)
    _arguments: list[tuple[str, list[int]]] | None = None

    def add(self, values: list[str], bindings: dict[str, Any]) -> int:
        """The variant's index (an equal one is shared)."""
        for i, v in enumerate(self.variants):
            if v.values == values:
                return i
        self.variants.append(Variant(values, bindings))
        return len(self.variants) - 1

    def arguments(self) -> list[tuple[str, list[int]]]:
        """The constructor's arguments: (name, the slots it fills), in text order."""
        if self._arguments is not None:
            return self._arguments
        slots = [i for i in range(len(self.parts) - 1) if not self._comment(i) and self._varies(i)]
        groups: dict[tuple[str, ...], list[int]] = {}
        for i in slots:
            groups.setdefault(tuple(v.values[i] for v in self.variants), []).append(i)
        taken: set[str] = set()
        out = []
        # The block's own parameters first, then what follows from the input (in_channels).
        ranked = sorted(groups.items(), key=lambda g: self._block_parameter(g[0]) is None)
        for column, members in ranked:
            name = self._block_parameter(column) or self._context_name(members[0])
            base, n = name, 2
            while name in taken:
                name, n = f"{base}{n}", n + 1
            taken.add(name)
            out.append((name, members))
        self._arguments = out
        return out

    def text(self) -> str:
        """The class, its varying numbers replaced by its arguments."""
        arguments = self.arguments()
        by_slot = {slot: name for name, slots in arguments for slot in slots}
        by_column = {tuple(v.values[s] for v in self.variants): n for n, (s, *_) in arguments}
        pieces = [self.parts[0]]
        first = self.variants[0].values
        for i, value in enumerate(first):
            if i in by_slot:
                pieces.append(by_slot[i])
            elif self._comment(i) and self._varies(i):
                pieces.append(by_column.get(tuple(v.values[i] for v in self.variants), "?"))
            else:
                pieces.append(value)
            pieces.append(self.parts[i + 1])
        text = "".join(pieces)
        if arguments:
            kinds = {
                name: _kind([self.variants[j].values[s[0]] for j in range(len(self.variants))])
                for name, s in arguments
            }
            signature = ", ".join(f"{name}: {kinds[name]}" for name, _ in arguments)
            text = text.replace(INIT, f"def __init__(self, {signature}) -> None:", 1)
        return text.replace("{name}", self.name, 1)

    def call(self, index: int) -> str:
        """How the variant's instance is built: `BasicBlock(channels=128, stride=2)`."""
        values = self.variants[index].values
        args = ", ".join(f"{name}={values[slots[0]]}" for name, slots in self.arguments())
        return f"{self.name}({args})"

    def _varies(self, slot: int) -> bool:
        return len({v.values[slot] for v in self.variants}) > 1

    def _comment(self, slot: int) -> bool:
        line = "".join(self.parts[: slot + 1]).rsplit("\n", 1)[-1]
        return "#" in line

    def _block_parameter(self, column: tuple[str, ...]) -> str | None:
        names = self.variants[0].bindings
        for name in names:
            if all(
                str(v.bindings.get(name)) == value
                for v, value in zip(self.variants, column, strict=True)
            ):
                return name
        return None

    def _context_name(self, slot: int) -> str:
        line = "".join(self.parts[: slot + 1]).rsplit("\n", 1)[-1]
        attribute = re.search(r"self\.(\w+) =", line)
        keyword = re.findall(r"(\w+)=", line)
        parts = [attribute.group(1) if attribute else "", keyword[-1] if keyword else "value"]
        return "_".join(p for p in parts if p)


def _kind(values: list[str]) -> str:
    return "int" if all(re.fullmatch(r"\d+", v) for v in values) else "float"


def split_numbers(text: str) -> tuple[list[str], list[str]]:
    """(the text between number literals, the literals)."""
    pieces = NUMBER.split(text)
    return pieces[0::2], pieces[1::2]
