"""Where the store is: the folder holding ``mokoord.yaml``.

Kept apart from :mod:`mokoord.store` so that finding a store costs no import
of the models: ``mokoord sync`` needs the folder only.
"""

from __future__ import annotations

import os
from pathlib import Path

from mokoord.errors import StoreNotFound
from mokoord.i18n import _

CONFIG_FILE = "mokoord.yaml"
ENV_VAR = "MOKOORD_DATA"


def find_store_root(explicit: Path | None = None, *, cwd: Path | None = None) -> Path:
    """``--data``, else ``$MOKOORD_DATA``, else the nearest ``mokoord.yaml`` upward, else ``./data``."""
    cwd = cwd or Path.cwd()
    how = "--data"
    if explicit is None and os.environ.get(ENV_VAR):
        explicit, how = Path(os.environ[ENV_VAR]), f"${ENV_VAR}"
    if explicit is not None:
        root = (cwd / explicit).resolve() if not explicit.is_absolute() else explicit
        if root.name == CONFIG_FILE and root.is_file():
            return root.parent  # --data pointing at the configuration file itself
        if (root / CONFIG_FILE).is_file():
            return root
        raise StoreNotFound(
            _(
                "{how} names {folder}, but there is no mokoord store there ({file} is missing)"
            ).format(how=how, folder=explicit, file=CONFIG_FILE),
            hint=_("create one with: mokoord init {folder}").format(folder=explicit),
        )
    for folder in (cwd, *cwd.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    if (cwd / "data" / CONFIG_FILE).is_file():
        return cwd / "data"
    raise StoreNotFound(
        _("no mokoord store found here: no {file} in this folder, its parents or ./data").format(
            file=CONFIG_FILE
        ),
        hint=_(
            "create one with `mokoord init PATH`, or point to one with --data PATH "
            "or MOKOORD_DATA=PATH"
        ),
    )
