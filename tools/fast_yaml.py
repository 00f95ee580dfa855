"""A fast writer for new record files that produces exactly what mokoord writes.

``RoundTripDocument.new(plain(record)).dump()`` (ruamel's pure-Python
round-trip emitter) takes about 2 ms per record: 20 minutes for a store of
100,000 contacts... :class:`FastWriter` lays out the same block structure
itself and asks ruamel only once for each distinct string, so quoting is
always ruamel's own decision. For anything it does not handle (multi-line
strings, unusual values) it falls back to ruamel for the whole record, so
its output is byte-identical to mokoord's writer; ``tests/test_make_store.py``
checks that on every record of a generated store.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from mokoord.dataset import plain
from mokoord.models import Record
from mokoord.roundtrip import (
    RoundTripDocument,
    _flow_item,
    _make_rt_yaml,
    _needs_quotes,
    yaml_value,
)

# Ids, terms and e-mail addresses: plain unless some YAML reader would read
# them as something else (then yaml_value double-quotes them), in any context.
_WORDLIKE_RE = re.compile(r"^[A-Za-z0-9]+(?:[-_.@][A-Za-z0-9]+)*$")


class _Fallback(Exception):
    """The record needs ruamel's own emitter."""


def _short_scalars(items: list[Any]) -> bool:
    """The rule of :func:`mokoord.roundtrip.yaml_value` for flow-style lists."""
    return all(_flow_item(item) for item in items)


class FastWriter:
    """Renders plain record data to YAML text identical to mokoord's writer."""

    def __init__(self) -> None:
        self._yaml = _make_rt_yaml()
        self._block: dict[str, str] = {}
        self._flow: dict[str, str] = {}
        self.fallbacks = 0

    def _ruamel(self, data: Mapping[str, Any]) -> str:
        out = io.StringIO()
        self._yaml.dump(yaml_value(data), out)
        return out.getvalue()

    def _string(self, value: str, flow: bool) -> str:
        cache = self._flow if flow else self._block
        text = cache.get(value)
        if text is None and _WORDLIKE_RE.match(value):
            text = f'"{value}"' if _needs_quotes(value) else value
            if len(cache) < 200_000:
                cache[value] = text
        if text is None:
            if flow:
                dumped = self._ruamel({"k": [value]})
                if not (dumped.startswith("k: [") and dumped.endswith("]\n")):
                    raise _Fallback
                text = dumped[4:-2]
            else:
                dumped = self._ruamel({"k": value})
                if not dumped.startswith("k: "):
                    raise _Fallback
                text = dumped[3:-1]
            if "\n" in text:
                raise _Fallback
            cache[value] = text
        return text

    def _scalar(self, value: Any, flow: bool = False) -> str:
        if isinstance(value, str):
            if "\n" in value or not value or value != value.strip():
                raise _Fallback
            return self._string(value, flow)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, Decimal):
            return format(value, "f")
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat()
        raise _Fallback

    def _mapping(self, data: Mapping[str, Any], indent: int, out: list[str], first: str) -> None:
        """Keys at ``indent``; the first line starts with ``first`` (e.g. ``"  - "``)."""
        pad = " " * indent
        lead = first
        for key, value in data.items():
            if isinstance(value, Mapping):
                if not value:
                    raise _Fallback
                out.append(f"{lead}{key}:\n")
                self._mapping(value, indent + 2, out, " " * (indent + 2))
            elif isinstance(value, list):
                if not value:
                    raise _Fallback
                if _short_scalars(value):
                    items = ", ".join(self._scalar(item, flow=True) for item in value)
                    out.append(f"{lead}{key}: [{items}]\n")
                else:
                    out.append(f"{lead}{key}:\n")
                    for item in value:
                        dash = " " * (indent + 2) + "- "
                        if isinstance(item, Mapping):
                            if not item:
                                raise _Fallback
                            self._mapping(item, indent + 4, out, dash)
                        elif isinstance(item, list):
                            raise _Fallback
                        else:
                            out.append(f"{dash}{self._scalar(item)}\n")
            else:
                out.append(f"{lead}{key}: {self._scalar(value)}\n")
            lead = pad

    def dump_plain(self, data: Mapping[str, Any]) -> str:
        """YAML text for plain data, as ``RoundTripDocument.new(data).dump()`` writes it."""
        out: list[str] = []
        try:
            self._mapping(data, 0, out, "")
        except _Fallback:
            self.fallbacks += 1
            return RoundTripDocument.new(data).dump()
        return "".join(out)

    def dump(self, record: Record) -> str:
        """YAML text of a record's file."""
        return self.dump_plain(plain(record))
