"""Build hook: compile the message catalogues (.po → .mo) into the package.

The ``.mo`` files are build products (git-ignored); hatchling runs this hook
for every wheel, editable installs included, and ships them as artifacts
(pyproject.toml). ``tools/catalogue.py compile`` does the same by hand.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogueBuildHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        locale = Path(self.root) / "src" / "mokoord" / "locale"
        for po in sorted(locale.glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=po.parent.parent.name)
            out = io.BytesIO()
            write_mo(out, catalog, use_fuzzy=False)
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.read_bytes() != out.getvalue():
                mo.write_bytes(out.getvalue())
