"""Hostile documents (RELIABILITY.md, the "input" rows): each one is refused with a
located error, quickly, without allocating what it asks for and without leaking.

Every case goes through `check` (which must return a CheckResult, never raise) and
`layerlab.build` (which may raise GraphError and nothing else). JSON text reaches
`build` as bytes, the way a request body does: a str would be taken for a path.
"""

from __future__ import annotations

import gc
import json
import os
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

import layerlab
from layerlab.graph.check import CheckResult, check
from layerlab.graph.errors import Code, GraphError

ANY = object()
"""An expectation that is not checked."""


def node(node_id: str, type_name: str, **params: Any) -> dict[str, Any]:
    return {"id": node_id, "type": type_name, "params": params}


def edge(source: str, target: str) -> dict[str, Any]:
    return {"source": source, "target": target}


def chain_document(*nodes: dict[str, Any], **extra: Any) -> dict[str, Any]:
    ids = [n["id"] for n in nodes]
    edges = [edge(a, b) for a, b in zip(ids, ids[1:], strict=False)]
    return {"format": "layerlab.graph", "version": 1, "nodes": list(nodes), "edges": edges, **extra}


def small_valid() -> dict[str, Any]:
    return chain_document(
        node("x", "Input", shape=[8]), node("fc", "Linear", out_features=4), node("y", "Output")
    )


def compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def nested_list(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def relu_chain(count: int) -> dict[str, Any]:
    return chain_document(
        node("x", "Input", shape=[4]),
        *(node(f"n{i}", "ReLU") for i in range(count)),
        node("y", "Output"),
    )


def with_param(name: str, text: str) -> bytes:
    """A small document whose Linear has `"name": <text>`, `text` spliced in raw."""
    body = compact(small_valid()).decode()
    return body.replace('"out_features":4', f'"out_features":4,"{name}":{text}').encode()


def self_loops(count: int) -> dict[str, Any]:
    doc = small_valid()
    doc["nodes"].append(node("r", "ReLU"))
    doc["edges"] += [edge("r", "r")] * count
    return doc


def huge_linear() -> dict[str, Any]:
    """10^10 parameters: 40 GB of float32 if anything were allocated."""
    return chain_document(
        node("x", "Input", shape=[100_000]),
        node("fc", "Linear", out_features=100_000),
        node("y", "Output"),
    )


def huge_conv() -> dict[str, Any]:
    """65,536 channels of 4096 x 4096: about 4 TB of activations per sample."""
    return chain_document(
        node("x", "Input", shape=[3, 4096, 4096]),
        node("conv", "Conv2d", out_channels=65_536, kernel_size=3, padding=1),
        node("y", "Output"),
    )


def block_bomb() -> dict[str, Any]:
    """Eight blocks, each repeating the one below 256 times: 256^8 nodes once expanded."""
    blocks = [
        {
            "name": "B0",
            "nodes": [node("i", "Input"), node("r", "ReLU"), node("o", "Output")],
            "edges": [edge("i", "r"), edge("r", "o")],
        }
    ]
    for k in range(1, 8):
        blocks.append(
            {
                "name": f"B{k}",
                "nodes": [
                    node("i", "Input"),
                    {"id": "inner", "type": f"B{k - 1}", "repeat": 256},
                    node("o", "Output"),
                ],
                "edges": [edge("i", "inner"), edge("inner", "o")],
            }
        )
    return chain_document(
        node("x", "Input", shape=[4]),
        {"id": "bomb", "type": "B7", "repeat": 256},
        node("y", "Output"),
        blocks=blocks,
    )


def unknown_field_at(level: str) -> dict[str, Any]:
    doc = small_valid()
    doc["blocks"] = [
        {
            "name": "Unused",
            "nodes": [node("i", "Input"), node("o", "Output")],
            "edges": [edge("i", "o")],
        }
    ]
    doc["nodes"][0]["position"] = {"x": 0, "y": 0}
    target = {
        "document": doc,
        "node": doc["nodes"][1],
        "edge": doc["edges"][0],
        "position": doc["nodes"][0]["position"],
        "block": doc["blocks"][0],
        "block node": doc["blocks"][0]["nodes"][0],
        "block edge": doc["blocks"][0]["edges"][0],
    }[level]
    target["__proto__"] = {"polluted": True}
    return doc


@dataclass(frozen=True)
class Hostile:
    name: str
    make: Callable[[], Any]
    code: Code
    node_id: Any = ANY
    field: Any = ANY
    seconds: float = 2.0
    repeats: int = 50
    """Checks in a row for the memory test; fewer for megabytes of JSON text, whose
    parsing is slow under tracemalloc (a leak of the input would still show)."""


CASES = [
    # nesting
    Hostile("100k-brackets", lambda: "[" * 100_000, Code.INVALID_DOCUMENT),
    Hostile("100k-brackets-closed", lambda: "[" * 100_000 + "]" * 100_000, Code.INVALID_DOCUMENT),
    Hostile("100k-objects", lambda: '{"a":' * 100_000, Code.INVALID_DOCUMENT),
    Hostile(
        "depth-40-in-params",
        lambda: chain_document(node("x", "Input", shape=[8], extra=nested_list(40))),
        Code.INVALID_DOCUMENT,
    ),
    Hostile(
        "depth-40-in-params-text",
        lambda: compact(chain_document(node("x", "Input", shape=[8], extra=nested_list(40)))),
        Code.INVALID_DOCUMENT,
    ),
    # size
    Hostile("10k-nodes", lambda: relu_chain(10_000), Code.LIMIT_EXCEEDED, None, "nodes"),
    Hostile(
        "10k-nodes-text",
        lambda: compact(relu_chain(10_000)),
        Code.LIMIT_EXCEEDED,
        None,
        "nodes",
        repeats=3,
    ),
    Hostile("100k-nodes", lambda: relu_chain(100_000), Code.LIMIT_EXCEEDED, None, ANY, repeats=5),
    Hostile(
        "100k-nodes-text", lambda: compact(relu_chain(100_000)), Code.LIMIT_EXCEEDED, repeats=3
    ),
    Hostile(
        "100k-nodes-no-edges-text",  # 3 MB: under the byte limit, so the count must catch it
        lambda: compact({"nodes": [{"id": f"n{i}", "type": "ReLU"} for i in range(100_000)]}),
        Code.LIMIT_EXCEEDED,
        None,
        "nodes",
        repeats=3,
    ),
    Hostile("1e5-self-loops", lambda: self_loops(100_000), Code.LIMIT_EXCEEDED, None, "edges"),
    Hostile(
        "1e5-self-loops-text",
        lambda: compact(self_loops(100_000)),
        Code.LIMIT_EXCEEDED,
        None,
        "edges",
        repeats=3,
    ),
    Hostile("block-bomb", block_bomb, Code.LIMIT_EXCEEDED, None, "nodes"),
    # numbers JSON does not have
    Hostile("NaN", lambda: with_param("bias", "NaN"), Code.INVALID_DOCUMENT),
    Hostile("Infinity", lambda: with_param("bias", "Infinity"), Code.INVALID_DOCUMENT),
    Hostile("-Infinity", lambda: with_param("bias", "-Infinity"), Code.INVALID_DOCUMENT),
    Hostile("1e999", lambda: with_param("bias", "1e999"), Code.INVALID_DOCUMENT),
    Hostile("5000-digit-integer", lambda: with_param("bias", "9" * 5000), Code.INVALID_DOCUMENT),
    # huge strings
    Hostile(
        "10MB-name",
        lambda: {**small_valid(), "name": "n" * 10_000_000},
        Code.INVALID_DOCUMENT,
        None,
        "name",
    ),
    Hostile(
        "10MB-name-text",
        lambda: compact({**small_valid(), "name": "n" * 10_000_000}),
        Code.LIMIT_EXCEEDED,
    ),
    Hostile(
        "100KB-node-id",  # the id itself is the error: it is not echoed back as a location
        lambda: chain_document(node("x" * 100_000, "Input", shape=[8])),
        Code.INVALID_DOCUMENT,
        None,
        "nodes.0.id",
    ),
    Hostile(
        "100KB-node-id-text",
        lambda: compact(chain_document(node("x" * 100_000, "Input", shape=[8]))),
        Code.INVALID_DOCUMENT,
        None,
        "nodes.0.id",
    ),
    Hostile(
        "1MB-type",
        lambda: chain_document(node("x", "T" * 1_000_000)),
        Code.INVALID_DOCUMENT,
        "x",
        "nodes.0.type",
    ),
    Hostile(
        "1MB-type-text",
        lambda: compact(chain_document(node("x", "T" * 1_000_000))),
        Code.INVALID_DOCUMENT,
        "x",
        "nodes.0.type",
    ),
    # not a document
    *(
        Hostile(f"json-{text}", lambda text=text: text, Code.INVALID_DOCUMENT)
        for text in ("[]", "1", '"graph"', "null", "true", "", "   ")
    ),
    Hostile("invalid-utf8", lambda: b'{"name": "\xff\xfe\xc3"}', Code.INVALID_DOCUMENT),
    Hostile("python-list", lambda: [small_valid()], Code.INVALID_DOCUMENT),
    Hostile("python-none", lambda: None, Code.INVALID_DOCUMENT),
    # unknown fields at every level
    *(
        Hostile(
            f"unknown-field-{level}",
            lambda level=level: unknown_field_at(level),
            Code.INVALID_DOCUMENT,
        )
        for level in ("document", "node", "edge", "position", "block", "block node", "block edge")
    ),
    # type names that must never be looked up in Python
    *(
        Hostile(
            f"type-{name}",
            lambda name=name: chain_document(
                node("x", "Input", shape=[8]), node("evil", name), node("y", "Output")
            ),
            Code.UNKNOWN_TYPE,
            "evil",
            "type",
        )
        for name in (
            "__class__",
            "__import__",
            "__builtins__",
            "os.system",
            "torch.nn.Linear",
            "builtins.eval",
            "subprocess.Popen",
            "Linear.__init__",
            "../../etc/passwd",
        )
    ),
    # memory bombs: refused by estimation, nothing allocated
    Hostile("1e10-param-linear", huge_linear, Code.LIMIT_EXCEEDED, "fc", ANY, seconds=0.5),
    Hostile("65536-channel-conv", huge_conv, Code.LIMIT_EXCEEDED, "conv", "memory"),
]


def matches(result: CheckResult, case: Hostile) -> bool:
    return any(
        e.code == case.code
        and (case.node_id is ANY or e.node_id == case.node_id)
        and (case.field is ANY or e.field == case.field)
        for e in result.errors
    )


def as_request_body(source: Any) -> Any:
    return source.encode() if isinstance(source, str) else source


@pytest.fixture(scope="module", params=CASES, ids=[c.name for c in CASES])
def case(request: pytest.FixtureRequest) -> Hostile:
    assert isinstance(request.param, Hostile)
    return request.param


@pytest.fixture(scope="module")
def source(case: Hostile) -> Any:
    """Made once per case (megabytes for some), shared by the tests below."""
    return case.make()


def test_check_refuses_quickly_with_a_located_error(case: Hostile, source: Any) -> None:
    started = time.perf_counter()
    result = check(source)
    elapsed = time.perf_counter() - started

    assert isinstance(result, CheckResult)
    assert not result.ok
    assert matches(result, case), [str(e)[:200] for e in result.errors]
    assert elapsed < case.seconds
    # a refused document reports no shapes, and its errors stay small whatever it held
    assert sum(len(e.model_dump_json()) for e in result.errors) < 20_000


def test_build_raises_graph_error_only(case: Hostile, source: Any) -> None:
    with pytest.raises(GraphError) as caught:
        layerlab.build(as_request_body(source))

    assert any(i.code == case.code for i in caught.value.issues)


def test_repeated_checks_do_not_grow_python_memory(case: Hostile, source: Any) -> None:
    for _ in range(max(1, min(10, case.repeats // 3))):
        check(source)  # warm up: lazy imports, and torch's own caches while counting on meta
    gc.freeze()  # the collection after the loop then scans only what the loop made (fast)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(case.repeats):
            check(source)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        gc.unfreeze()

    # Measured: under 4 KB for most cases, about 70 KB for the two that count
    # parameters on meta tensors; keeping each CheckResult would add 150 KB or more.
    assert grown < 128 * 1024, f"{grown:,} bytes kept after {case.repeats} checks"


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_process_memory_stays_flat_across_every_hostile_case() -> None:
    sources = [(c, c.make()) for c in CASES]
    for case, source in sources:  # warm up: imports, allocator pools, caches
        check(source)
        if case.name in ("1e10-param-linear", "65536-channel-conv"):
            with pytest.raises(GraphError):
                layerlab.build(source)
    gc.collect()
    before = resident_bytes()

    for case, source in sources:
        for _ in range(min(case.repeats, 5)):
            check(source)
    with pytest.raises(GraphError):
        layerlab.build(huge_linear())
    gc.collect()
    grown = resident_bytes() - before

    assert grown < 40 * 2**20, f"resident memory grew by {grown / 2**20:.1f} MiB"


def test_the_10e10_linear_is_counted_not_allocated() -> None:
    result = check(huge_linear())

    fc = [e for e in result.errors if e.field == "params"]
    assert fc and "10,000,100,000" in fc[0].message  # 10^10 weights + 10^5 biases
