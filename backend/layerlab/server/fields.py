"""Field rules the API's models and parameters share, each making what the OpenAPI
schema says and what the server accepts the same thing.

- An optional field may be left out, but not sent as `null` (`Omittable`); a
  parameter that may be left out is published without `null` (`without_null`).
- A path integer is plain ASCII digits (`1`, `007`): `PlainInt` refuses what Python's
  `int()` would also take (`1\\n`, ` 1`, `+1`, `1_000`, `1.0`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator, Field

T = TypeVar("T")

_DIGITS = re.compile(r"[0-9]+")


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise ValueError("leave the field out instead of sending null")
    return value


def without_null(schema: dict[str, Any]) -> None:
    """`json_schema_extra` of an optional field: its schema is the non-null branch only
    (pydantic writes `anyOf: [X, {type: null}]` for `X | None`)."""
    if "default" in schema and schema["default"] is None:
        del schema["default"]  # left out is not null
    branches = schema.pop("anyOf", None)
    if branches is None:
        return
    kept = [b for b in branches if b.get("type") != "null"]
    if len(kept) == 1:
        schema.update(kept[0])
    else:
        schema["anyOf"] = kept


def _plain_digits(value: Any) -> Any:
    if isinstance(value, str) and not _DIGITS.fullmatch(value):
        raise ValueError("a whole number in plain ASCII digits (0-9), nothing else")
    return value


Omittable = Annotated[
    T | None, BeforeValidator(_refuse_null), Field(json_schema_extra=without_null)
]
"""`Omittable[X] = None`: a field that may be left out (then None) but not sent as null,
and published as X alone."""
PlainInt = BeforeValidator(_plain_digits)
"""For integers read from text (path segments, headers). Bounds go before it
(`Annotated[int, Ge(1), PlainInt, Path()]`), or the published schema loses them."""
