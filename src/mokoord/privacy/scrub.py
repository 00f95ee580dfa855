"""What an erasure does to one file's content or one commit message: the same in the
history rewrite and in the check of its result.

A :class:`Scrub` holds, for one erasure:

- ``tombstones``: files that become a placeholder in every version (an erased
  person's ``persons/<id>.yaml`` becomes ``id`` and ``erased``);
- ``values``: identifying values redacted wherever they appear, in any file and
  any commit or tag message (:class:`~mokoord.privacy.values.Finder`);
- ``expired``: contacts whose free text is removed in every version of their
  file (their retention period ended); the rest of each version stays as it was.

It is plain data (:meth:`Scrub.to_json`) handed to the rewrite process on its
standard input: it holds the values to erase, so it is never written to a file.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from mokoord.errors import MokoordError
from mokoord.i18n import _
from mokoord.models.meta import CONTACT_TEXT
from mokoord.privacy.values import Finder, Value

BINARY_PROBE = 8192


class ScrubError(MokoordError):
    """A file of the history could not be scrubbed; the erasure stops, nothing changed."""


@dataclass
class Scrub:
    placeholder: str
    """What stands in place of a redacted value."""
    removed: str
    """What a contact's summary says once its free text is removed."""
    tombstones: dict[str, str] = field(default_factory=dict)
    """Path in the repository → the content every version of the file gets."""
    values: list[Value] = field(default_factory=list)
    contacts: str = "contacts/"
    """The contacts' folder in the repository (the store may lie in a subfolder)."""
    expired: set[str] = field(default_factory=set)
    """Ids of the contacts whose free text is removed."""
    expired_until: str | None = None
    """…and every contact whose id starts with a date up to this one (ISO)."""
    _finder: Finder | None = field(default=None, init=False, repr=False)

    @property
    def finder(self) -> Finder:
        if self._finder is None:
            self._finder = Finder(self.values)
        return self._finder

    # -- plain data for the rewrite process

    def to_json(self) -> str:
        return json.dumps(
            {
                "placeholder": self.placeholder,
                "removed": self.removed,
                "tombstones": self.tombstones,
                "values": [[v.kind, v.text, v.field] for v in self.values],
                "contacts": self.contacts,
                "expired": sorted(self.expired),
                "expired_until": self.expired_until,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Scrub:
        data = json.loads(text)
        return cls(
            placeholder=data["placeholder"],
            removed=data["removed"],
            tombstones=dict(data["tombstones"]),
            values=[Value(kind, value, where) for kind, value, where in data["values"]],
            contacts=data["contacts"],
            expired=set(data["expired"]),
            expired_until=data.get("expired_until"),
        )

    # -- the transformation

    def expired_contact(self, path: str) -> bool:
        if not path.startswith(self.contacts) or not path.endswith(".yaml"):
            return False
        stem = path.rsplit("/", 1)[-1][: -len(".yaml")]
        if stem in self.expired:
            return True
        day = stem[:10]
        return bool(
            self.expired_until
            and len(day) == 10
            and day[4] == day[7] == "-"
            and day.replace("-", "").isdigit()
            and day <= self.expired_until
        )

    def blob(self, path: str, data: bytes) -> bytes:
        """The content a file at ``path`` gets in place of ``data``."""
        if path in self.tombstones:
            return self.tombstones[path].encode("utf-8")
        if b"\0" in data[:BINARY_PROBE]:
            return data
        text = data.decode("utf-8", errors="surrogateescape")
        if self.expired_contact(path):
            text = remove_contact_text(text, self.removed, path)
        if self.values:
            text = self.finder.redact(text, self.placeholder)
        return text.encode("utf-8", errors="surrogateescape")

    def message(self, data: bytes) -> bytes:
        """A commit or tag message with the values redacted."""
        if not self.values:
            return data
        text = data.decode("utf-8", errors="surrogateescape")
        return self.finder.redact(text, self.placeholder).encode("utf-8", errors="surrogateescape")


def remove_contact_text(text: str, removed: str, path: str = "") -> str:
    """A contact file's YAML with its free text removed, everything else as written.

    The summary (required) becomes ``removed``; the follow-up action and the
    referrals' reasons and notes are left out.
    """
    from mokoord.roundtrip import RoundTripDocument
    from mokoord.yamlio import parse_document

    parsed = parse_document(path or "contact.yaml", text.encode("utf-8"), locate=False)
    if not isinstance(parsed.data, dict):
        raise ScrubError(
            _("{path}: cannot remove the free text of a file that is no contact record").format(
                path=path
            )
        )
    old = json.loads(json.dumps(parsed.data, default=str))
    new = strip_contact_text(old, removed)
    if new == old:
        return text
    try:
        doc = RoundTripDocument(text)
        doc.apply(old, new)
        return doc.dump()
    except Exception as exc:  # a version ruamel cannot edit: the erasure must not go on
        raise ScrubError(
            _("{path}: cannot remove the free text ({error})").format(path=path, error=exc)
        ) from None


def strip_contact_text(data: dict[str, Any], removed: str) -> dict[str, Any]:
    """Plain contact data without free text (see :func:`remove_contact_text`)."""
    new = copy.deepcopy(data)
    for path in CONTACT_TEXT:
        _strip(new, path, removed)
    return new


def _strip(data: Any, path: tuple[str, ...], removed: str) -> None:
    if not path or data is None:
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(data, list):
            for item in data:
                _strip(item, rest, removed)
        return
    if not isinstance(data, dict) or head not in data:
        return
    if rest:
        _strip(data[head], rest, removed)
    elif path == ("summary",) or head == "summary":
        data[head] = removed
    else:
        del data[head]
