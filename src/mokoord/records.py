"""Lazily validated records: a read-only mapping id → model.

The index knows every record's id and file and hands over its JSON on
request; building 100,000 pydantic models costs more than the rest of a warm
command together, and most commands look at a fraction of them (a report at
two years of contacts). A :class:`Records` mapping reads and validates a
record the first time it is looked at and keeps the model. :meth:`Records.between` selects by date from a date column,
so records outside a period are never validated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, ItemsView, Iterator, Mapping, ValuesView
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


class RowPart(Protocol):
    """The dates and facts rows of some records (one shard's, or all of a kind's)."""

    def dates(self) -> dict[str, str]: ...

    def columns(self) -> dict[str, tuple[Any, ...]]: ...


class RowSource(Protocol):
    """Where :class:`Records` take dates and facts rows from (the index's shards)."""

    def dates(self) -> dict[str, str]: ...

    def columns(self) -> dict[str, tuple[Any, ...]]: ...

    def field(self, number: int) -> dict[str, Any]: ...

    def columns_of(self, keys: list[str]) -> dict[str, tuple[Any, ...]]: ...

    def complete(self) -> bool: ...

    def memo(self, name: str, make: Callable[[], Any]) -> Any: ...

    def memo_entry(self, name: str, entry: str, make: Callable[[], dict[str, Any]]) -> Any: ...

    def memo_by_shard(self, name: str, key: bytes, make: Callable[[RowPart], Any]) -> list[Any]: ...


class Records(Mapping[str, M], Generic[M]):
    """id → model, validated on first access."""

    __slots__ = ("_fetch", "_models", "_resolve", "_rows", "_validate", "model")

    def __init__(
        self,
        model: type[M],
        sources: dict[str, str] | Callable[[], dict[str, str]],
        fetch: Callable[[list[str]], list[str]],
        rows: RowSource | None = None,
    ) -> None:
        """``sources``: id → file, or what makes it when first needed (a command that
        reads only a memo of the records never does); ``fetch(files)``: the records'
        JSON; ``rows``: their dates and facts rows, read when asked for."""
        self.model = model
        self._resolve = sources
        self._fetch = fetch
        self._rows = rows
        self._models: dict[str, M] = {}
        self._validate = model.model_validate_json

    @property
    def _sources(self) -> dict[str, str]:
        found = self._resolve
        if not isinstance(found, dict):
            found = self._resolve = found()
        return found

    def __getitem__(self, key: str) -> M:
        found = self._models.get(key)
        if found is None:
            found = self._validate(self._fetch([self._sources[key]])[0])
            self._models[key] = found
        return found

    def select(self, keys: list[str]) -> list[M]:
        """The records of ``keys`` (every one must be there), their files read together."""
        models = self._models
        missing = [key for key in keys if key not in models]
        if missing:
            sources = self._sources
            self._build([(key, sources[key]) for key in missing])
        return [models[key] for key in keys]

    def select_files(self, held: list[tuple[str, str]]) -> list[M]:
        """The records of ``held`` ((id, its file) pairs, as :meth:`files_of` gives
        them), read without looking up every id's file."""
        models = self._models
        self._build([(key, relative) for key, relative in held if key not in models])
        return [models[key] for key, _relative in held]

    def _build(self, missing: list[tuple[str, str]]) -> None:
        """Read and validate the records of ``missing`` ((id, file) pairs) together."""
        if not missing:
            return
        models, validate = self._models, self._validate
        texts = self._fetch([relative for _key, relative in missing])
        for (key, _relative), text in zip(missing, texts, strict=True):
            models[key] = validate(text)

    def files_of(self, keys: list[str]) -> list[tuple[str, str]]:
        """(id, its file) of each of ``keys`` that is here."""
        sources = self._sources
        return [(key, sources[key]) for key in keys if key in sources]

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)

    def __contains__(self, key: object) -> bool:
        return key in self._sources

    def values(self) -> ValuesView[M]:
        """Every record; their files are read together, a shard at a time."""
        return _Values(self)

    def items(self) -> ItemsView[str, M]:
        return _Items(self)

    @property
    def built(self) -> int:
        """How many records have been validated so far."""
        return len(self._models)

    def between(self, start: dt.date, end: dt.date) -> list[M]:
        """Records whose ``date`` lies in ``[start, end]``, validating only those."""
        low, high = start.isoformat(), end.isoformat()
        return self.select([key for key, when in self.dates().items() if low <= when <= high])

    def dates(self) -> dict[str, str]:
        """id → ISO date of every dated record, without validating any."""
        return self._rows.dates() if self._rows is not None else {}

    def columns(self) -> dict[str, tuple[Any, ...]]:
        """id → the facts row the index keeps beside a record (see :mod:`mokoord.facts`)."""
        return self._rows.columns() if self._rows is not None else {}

    def field(self, number: int) -> dict[str, Any]:
        """id → one field of the facts rows (read without the others)."""
        return self._rows.field(number) if self._rows is not None else {}

    def columns_of(self, keys: list[str]) -> dict[str, tuple[Any, ...]]:
        """id → facts row of ``keys`` only (each must be here): through the index only
        the shards holding them are decoded."""
        if self._rows is None:
            return {}
        return self._rows.columns_of(keys)

    def memo(self, name: str, make: Callable[[], T]) -> T:
        """``make()``, a figure made from the records' dates and rows only, kept
        beside the index until one of the records changes (see
        :meth:`mokoord.indexrows.KindRows.memo`); made afresh without an index."""
        return self._rows.memo(name, make) if self._rows is not None else make()

    def memo_entry(self, name: str, entry: str, make: Callable[[], dict[str, Any]]) -> Any:
        """``make().get(entry)``, kept beside the index split by entry (see
        :meth:`mokoord.indexrows.KindRows.memo_entry`); made afresh without an index."""
        if self._rows is None:
            return make().get(entry)
        return self._rows.memo_entry(name, entry, make)

    def memo_by_shard(self, name: str, key: bytes, make: Callable[[RowPart], T]) -> list[T]:
        """``make(part)`` for each shard of the index, ``part`` giving that shard's
        dates and rows only; each value kept beside the index until its shard
        changes (see :meth:`mokoord.indexrows.KindRows.memo_by_shard`). Without an
        index, one value made from all the records."""
        if self._rows is None:
            return [make(self)]
        return self._rows.memo_by_shard(name, key, make)

    @property
    def has_rows(self) -> bool:
        """Whether every record has a facts row."""
        return self._rows is not None and self._rows.complete()


def between(records: Mapping[str, M], start: dt.date, end: dt.date) -> list[M]:
    """Records whose ``date`` lies in ``[start, end]``: fast on :class:`Records`, right on any mapping."""
    if isinstance(records, Records):
        return records.between(start, end)
    return [r for r in records.values() if start <= r.date <= end]  # type: ignore[attr-defined]


class _Values(ValuesView[M]):
    _mapping: Records[M]

    def __iter__(self) -> Iterator[M]:
        return iter(self._mapping.select(list(self._mapping)))


class _Items(ItemsView[str, M]):
    _mapping: Records[M]

    def __iter__(self) -> Iterator[tuple[str, M]]:
        keys = list(self._mapping)
        return iter(zip(keys, self._mapping.select(keys), strict=True))
