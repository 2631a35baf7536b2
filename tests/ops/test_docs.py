"""docs/ops.md is generated from the registry: a stale page fails."""

from __future__ import annotations

from pathlib import Path

from layerlab.ops import REGISTRY
from layerlab.ops.docs import main, render

OPS_MD = Path(__file__).resolve().parents[2] / "docs" / "ops.md"


def test_ops_md_is_what_the_registry_generates() -> None:
    assert OPS_MD.read_text() == render(), "docs/ops.md is stale: run `make docs`"


def test_every_type_has_a_section_and_a_palette_link() -> None:
    text = render()
    for name in REGISTRY:
        assert f"\n## {name}\n" in text
        assert f"[{name}](#{name.lower()})" in text


def test_every_parameter_is_documented() -> None:
    text = render()
    for op in REGISTRY.values():
        section = text.split(f"\n## {op.name}\n", 1)[1].split("\n## ", 1)[0]
        for field in op.Params.model_fields:
            assert f"| `{field}` |" in section, f"{op.name}.{field}"


def test_check_flag_passes_fresh_docs_and_fails_stale_ones(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.md"
    fresh.write_text(render())
    assert main(["--check", str(fresh)]) == 0
    stale = tmp_path / "stale.md"
    stale.write_text(render().replace("## Linear\n", "## Dense layer\n"))
    assert main(["--check", str(stale)]) == 1
    assert main(["--check", str(tmp_path / "missing.md")]) == 1
