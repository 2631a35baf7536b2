"""Every message the server writes for a person, in English and Simplified Chinese side by
side: one home (issue 19).

A message is a stable key (`shape.conv_too_small`) and named parameters. The English text
is rendered here (the API keeps it in `message`, and logs show it); the browser renders
the same key and parameters in the chosen language from this catalog, which it receives
in `GET /api/meta`. Both sides fill a template the same way:

- `{name}` is the parameter as text; a list is its items joined by ", "; null is empty.
- `{name:spec}` formats a number: `,` groups thousands, `.2f` fixed, `.2e` exponent,
  `.0%` percent, `.4g` general, as Python's format spec does (`,.1f` combines them).

Parameters that are words of code (op, port, dtype and node names) and shapes (already
written as `(3, 32, 32)`) stay as they are in every language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from layerlab.messages.catalog import MESSAGES

__all__ = [
    "FORMAT_SPEC",
    "KEY_DESCRIPTION",
    "LEADS",
    "MESSAGES",
    "Message",
    "MessageError",
    "PARAMS_DESCRIPTION",
    "Param",
    "fields",
    "fill",
    "format_param",
    "render",
    "validation_message",
]

Param = str | int | float | list[str] | list[int] | None
"""A message parameter: a word of code, a number, a shape as text, a list of names."""

# How an API model describes a message's key and parameters, beside its English text.
KEY_DESCRIPTION = (
    "The message's key in the catalog (GET /api/meta `messages`); empty for a message "
    "that is not from it"
)
PARAMS_DESCRIPTION = "The values the message's template names"

_FIELD = re.compile(r"\{(\w+)(?::([^{}]*))?\}")
FORMAT_SPEC = re.compile(r"^,?(?:\.\d+[efg%])?$")
"""The number formats a template may ask for (the browser implements exactly these)."""
LEADS = {"op": ("{op}: ", "{op}："), "where": ("{where}: ", "{where}：")}
"""Where a message starts with its subject: `shape.*` with the node's type, `validation.*`
with the field's path. An error raised where the subject is not known (an op's shape
function, a field validator) reads without it; the graph check adds it."""


def fields(template: str) -> set[str]:
    """The parameter names a template uses."""
    return {m.group(1) for m in _FIELD.finditer(template)}


def format_param(value: Any, spec: str = "") -> str:
    """One parameter as text, as the browser writes it (frontend/src/i18n/messages.ts)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(format_param(v, spec) for v in value)
    if not spec or isinstance(value, str):
        return str(value)
    return format(value, spec)


def fill(template: str, params: Mapping[str, Any]) -> str:
    """A template with its parameters; a missing one raises KeyError."""
    return _FIELD.sub(lambda m: format_param(params[m.group(1)], m.group(2) or ""), template)


def render(key: str, params: Mapping[str, Any], language: str = "en") -> str:
    """The message `key` in `language` ("en" or "zh-CN"); KeyError for an unknown key."""
    text = MESSAGES[key]
    return fill(text.en if language == "en" else text.zh_cn, params)


class Message(str):
    """A catalog message as its English text, keeping its key and parameters: for a
    callback that takes text (the health monitor's `emit`)."""

    key: str
    params: dict[str, Param]

    def __new__(cls, key: str, /, **params: Param) -> Message:
        text = super().__new__(cls, render(key, params))
        text.key = key
        text.params = params
        return text

    def __reduce__(self) -> tuple[Any, ...]:  # pickled (a queue between processes): as made
        return _message, (self.key, self.params)


def _message(key: str, params: dict[str, Param]) -> Message:
    return Message(key, **params)


class MessageError(ValueError):
    """An error whose text is a catalog message: `str()` is its English (without its
    subject, `LEADS`, when that is not given), `key` and `params` let the browser write
    it in the reader's language."""

    def __init__(self, key: str, /, **params: Param):
        self.key = key
        self.params = params
        template = MESSAGES[key].en
        for name, (lead, _) in LEADS.items():
            if name not in params:
                template = template.removeprefix(lead)
        super().__init__(fill(template, params))


# -- pydantic's refusals as catalog messages -------------------------------------------

_LIMIT_CONTEXT = {
    "greater_than_equal": "ge",
    "greater_than": "gt",
    "less_than_equal": "le",
    "less_than": "lt",
    "multiple_of": "multiple_of",
    "string_too_short": "min_length",
    "string_too_long": "max_length",
}
_PLAIN = {
    "missing",
    "extra_forbidden",
    "int_type",
    "int_parsing",
    "int_from_float",
    "float_type",
    "float_parsing",
    "finite_number",
    "string_type",
    "bool_type",
    "bool_parsing",
    "list_type",
    "tuple_type",
    "dict_type",
}
_SAME_AS = {"int_parsing": "int_type", "float_parsing": "float_type", "bool_parsing": "bool_type"}
_CHOICES = re.compile(r", | or ")


def _number(value: Any) -> Param:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def validation_message(error: Mapping[str, Any], where: str) -> tuple[str, dict[str, Param]]:
    """(key, params) for one pydantic error (`ValidationError.errors()` item) at `where`."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    base: dict[str, Param] = {"where": where}
    cause = ctx.get("error")
    if kind == "value_error" and isinstance(cause, MessageError):
        return cause.key, {**base, **cause.params}
    if kind in _PLAIN:
        return f"validation.{_SAME_AS.get(kind, kind)}", base
    if kind in _LIMIT_CONTEXT and _LIMIT_CONTEXT[kind] in ctx:
        return f"validation.{kind}", {**base, "limit": _number(ctx[_LIMIT_CONTEXT[kind]])}
    if kind == "model_type" and "class_name" in ctx:
        return "validation.model_type", {**base, "model": str(ctx["class_name"])}
    if kind == "literal_error" and "expected" in ctx:
        choices = [c for c in _CHOICES.split(str(ctx["expected"])) if c]
        return "validation.literal_error", {**base, "choices": choices}
    if kind in ("too_short", "too_long") and "actual_length" in ctx:
        limit = ctx.get("min_length" if kind == "too_short" else "max_length")
        return f"validation.{kind}", {
            **base,
            "limit": _number(limit),
            "count": _number(ctx["actual_length"]),
        }
    if kind == "string_pattern_mismatch" and "pattern" in ctx:
        return "validation.string_pattern_mismatch", {**base, "pattern": str(ctx["pattern"])}
    return "validation.other", {**base, "detail": str(error.get("msg", kind))}
