"""The Host header, parsed strictly (RFC 9110 section 7.2: `uri-host [":" port]`).

A host is a DNS-style name (labels of letters, digits, `-` and `_`, one optional
trailing dot), an IPv4 address written as such a name, or an IPv6 address in
brackets; the port, when present, is 1-5 digits up to 65535. Anything else is no
Host at all: `127.0.0.1:8000@evil.com`, `localhost:evil.com`, `localhost..`, an
unbracketed IPv6 address, a zone id. Names compare exactly once lowercased and
stripped of the trailing dot; IPv6 addresses in their compressed form.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

MAX_NAME_CHARS = 253
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")
_PORT = re.compile(r"[0-9]{1,5}")


@dataclass(frozen=True)
class HostHeader:
    name: str
    """Lowercase, without a trailing dot; an IPv6 address compressed, without brackets."""
    port: int | None


def _ipv6(text: str) -> str | None:
    if "%" in text:  # a zone id names an interface of the client's machine, not ours
        return None
    try:
        return ipaddress.IPv6Address(text).compressed
    except ValueError:
        return None


def parse_host(value: str) -> HostHeader | None:
    """`value` as a Host header, or None when it is not one."""
    value = value.strip(" \t").lower()
    if value.startswith("["):
        end = value.find("]")
        name = _ipv6(value[1:end]) if end > 0 else None
        rest = value[end + 1 :]
    else:
        text, colon, port = value.partition(":")
        ok = len(text) <= MAX_NAME_CHARS and _NAME.fullmatch(text) is not None
        name = text.removesuffix(".") if ok else None
        rest = colon + port
    if name is None:
        return None
    if not rest:
        return HostHeader(name, None)
    digits = rest[1:]
    if rest[0] != ":" or not _PORT.fullmatch(digits) or int(digits) > 65535:
        return None
    return HostHeader(name, int(digits))


def normal_name(configured: str) -> str:
    """A configured host name (`lab.example`, `api:8000`, `::1`, `[::1]:8000`) as the
    name a Host header is compared with. Raises ValueError when it is none."""
    bare = _ipv6(configured.strip())
    if bare is not None:
        return bare
    parsed = parse_host(configured)
    if parsed is None:
        raise ValueError(f"{configured!r} is not a host name, an address or name:port")
    return parsed.name
