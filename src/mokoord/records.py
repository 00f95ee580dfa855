"""Lazily validated records: a read-only mapping id → model.

The index hands over each record as plain data; building 100,000 pydantic
models costs more than the rest of a warm command together, and most
commands look at a fraction of them (a report at two years of contacts). A
:class:`Records` mapping validates a record the first time it is looked at and
keeps the model. :meth:`Records.between` selects by date on the plain data,
so records outside a period are never validated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


class Records(Mapping[str, M], Generic[M]):
    """id → model, validated on first access."""

    __slots__ = ("_models", "_payloads", "_validate")

    def __init__(self, model: type[M], payloads: dict[str, dict[str, Any]]) -> None:
        self._payloads = payloads
        self._models: dict[str, M] = {}
        self._validate = model.model_validate

    def __getitem__(self, key: str) -> M:
        found = self._models.get(key)
        if found is None:
            found = self._validate(self._payloads[key])
            self._models[key] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._payloads)

    def __len__(self) -> int:
        return len(self._payloads)

    def __contains__(self, key: object) -> bool:
        return key in self._payloads

    def between(self, field: str, start: dt.date, end: dt.date) -> list[M]:
        """Records whose date ``field`` lies in ``[start, end]``, validating only those."""
        low, high = start.isoformat(), end.isoformat()
        return [
            self[key]
            for key, payload in self._payloads.items()
            if low <= str(payload.get(field, "")) <= high
        ]

    def raw(self, key: str) -> dict[str, Any]:
        """The plain data of one record (no validation): for scans over many records."""
        return self._payloads[key]


def between(records: Mapping[str, M], field: str, start: dt.date, end: dt.date) -> list[M]:
    """Records dated within ``[start, end]``: fast on :class:`Records`, correct on any mapping."""
    if isinstance(records, Records):
        return records.between(field, start, end)
    return [r for r in records.values() if start <= getattr(r, field) <= end]
