"""Records looked up by id, one file at a time.

A command given exact ids (``add-contact --org elternverein-biebrich``) needs
those few records, not every record of their kinds. :func:`lookup` gives it a
:class:`~mokoord.dataset.Dataset` whose mappings read a record's own file when
asked for an id, and load the whole kind through the index only when they are
listed or asked for an id that no file holds: for a fuzzy search, a prompt, or
an error message naming the closest records. What they answer is what
:meth:`Store.load` would answer, but for two files holding the same id (an
error ``mokoord check`` reports): a lookup takes the one named after the id.
The problems of a file that cannot be used go to the dataset's ``problems``,
so that an id naming a broken file is reported as such
(:meth:`Dataset.unreadable`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Generic, TypeVar

from mokoord.dataset import KINDS, Dataset
from mokoord.errors import Problem
from mokoord.models import Record
from mokoord.store import Store
from mokoord.validation import validate_document

R = TypeVar("R", bound=Record)


class ById(Mapping[str, R], Generic[R]):
    """id → record of one kind: single files for known ids, the whole kind when listed."""

    def __init__(self, store: Store, kind: str, problems: list[Problem] | None = None) -> None:
        self._store = store
        self._kind = kind
        self._problems = problems if problems is not None else []
        self._read: dict[str, R] = {}
        self._all: Mapping[str, R] | None = None

    @property
    def loaded(self) -> bool:
        """Whether the whole kind has been loaded."""
        return self._all is not None

    def _everything(self) -> Mapping[str, R]:
        if self._all is None:
            data = self._store.load((self._kind,))
            self._problems.extend(p for p in data.problems if p not in self._problems)
            self._all = data.records(self._kind)
        return self._all

    def _from_file(self, key: str) -> R | None:
        path = self._store.find_file(self._kind, key)
        if path is None:
            return None
        model: type[R] = KINDS[self._kind].model  # type: ignore[assignment]
        record, problems = validate_document(self._store.read_document(path, locate=False), model)
        if record is None:
            # placed again, with positions, for the message that names the file
            _, problems = validate_document(self._store.read_document(path), model)
            self._problems.extend(p for p in problems if p not in self._problems)
        if record is None or record.id != key:
            return None  # invalid, or holding another id: the full load decides, as always
        return record

    def __getitem__(self, key: str) -> R:
        if self._all is not None:
            return self._all[key]
        found = self._read.get(key)
        if found is None:
            found = self._from_file(key)
            if found is None:
                return self._everything()[key]
            self._read[key] = found
        return found

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            self[key]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(self._everything())

    def __len__(self) -> int:
        return len(self._everything())


def lookup(store: Store, kinds: Iterable[str]) -> Dataset:
    """The store's configuration and records of ``kinds``, each read only when asked for."""
    data = Dataset(config=store.config)
    for kind in kinds:
        setattr(data, KINDS[kind].folder, ById(store, kind, data.problems))
    return data
