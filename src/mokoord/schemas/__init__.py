"""JSON Schemas (Draft 2020-12) of mokoord's JSON output, shipped with the package.

One file per kind of output, ``<kind>.schema.json``: ``report`` (``mokoord
report --format json``), the ``--json`` of ``list``, ``show``, ``search``,
``history``, ``contacts``, ``referrals``, ``agenda``, ``institutions``,
``events`` (and ``series`` for ``events --series``), ``cooperations``,
``networks``, ``programmes``, ``applications``, ``rooms``, ``check``,
``import``, ``sync``, ``export-<kind>`` for ``export <kind> --format json``, and
``privacy-export`` and ``privacy-due`` for ``privacy export`` and ``privacy due``
with ``--format json``, and ``outreach`` for ``outreach --json``. Every
object lists its keys (``additionalProperties: false``): a key that appears
or goes away fails the tests, as it would fail a program that reads the JSON.
See docs/standards.md.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

KINDS: tuple[str, ...] = (
    "report",
    "list",
    "show",
    "search",
    "history",
    "contacts",
    "referrals",
    "agenda",
    "institutions",
    "events",
    "series",
    "cooperations",
    "networks",
    "programmes",
    "applications",
    "rooms",
    "check",
    "import",
    "export-organisations",
    "export-contacts",
    "export-events",
    "export-referrals",
    "export-applications",
    "sync",
    "privacy-export",
    "privacy-due",
    "outreach",
)


def schema_text(kind: str) -> str:
    """The schema of ``kind`` as the text of its file."""
    if kind not in KINDS:
        raise KeyError(f"no JSON schema for {kind!r}; known: {', '.join(KINDS)}")
    return (resources.files(__package__) / f"{kind}.schema.json").read_text(encoding="utf-8")


def schema(kind: str) -> dict[str, Any]:
    """The schema of ``kind`` as data."""
    loaded: dict[str, Any] = json.loads(schema_text(kind))
    return loaded
