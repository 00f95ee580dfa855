"""A new store: its folder, ``mokoord.yaml``, ``.gitignore``, ``.gitattributes``,
a folder for each kind and the example outreach template, committed to git
(``mokoord init``). What a store holds afterwards is :mod:`mokoord.store`'s.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Any

from mokoord.dataset import KINDS, plain
from mokoord.errors import UsageError
from mokoord.faults import file_fault
from mokoord.i18n import _
from mokoord.location import CONFIG_FILE
from mokoord.models import Config
from mokoord.roundtrip import RoundTripDocument
from mokoord.yamlio import atomic_write

GITIGNORE = """# mokoord's caches and locks: derived data, rebuilt automatically
.mokoord/
"""


def gitattributes() -> str:
    """``.gitattributes`` of a store: git merges record files with mokoord's merge driver.

    Patterns are relative to the store's folder, so a store inside a larger
    repository works too. The driver itself is set in each clone's own git
    config (:func:`mokoord.gitrepo.setup_merge_driver`).
    """
    lines = [
        "# Records are merged field by field by mokoord (see docs/together.md);",
        "# `mokoord clone`, `mokoord init` or any mokoord command sets up the driver.",
    ]
    for spec in KINDS.values():
        depth = "*/*.yaml" if spec.year_of is not None else "*.yaml"
        lines.append(f"{spec.folder}/{depth} merge=mokoord")
    return "\n".join(lines) + "\n"


CONFIG_HEADER = """mokoord store configuration.
Vocabularies list the terms records may use: an English key, a German (de)
and an English (en) label for reports. Adapt them to your city; `mokoord check
--strict` rejects terms that are not declared here. See README.md, "Data format".
"""


def init_store(
    path: Path, *, city: str | None = None, commit: bool = True
) -> tuple[Path, str | None]:
    """Create an empty, valid store at ``path`` and commit it.

    A new git repository is made unless ``path`` already lies in one; then the
    store's files are committed there. The repository gets mokoord's merge
    driver and the git hooks that refuse erased data coming back
    (:mod:`mokoord.githooks`). Returns the root and the commit id.
    """
    from mokoord import gitops

    root = path.resolve()
    if (root / CONFIG_FILE).exists():
        raise UsageError(_("{path} holds a mokoord store already").format(path=path))
    if root.exists() and not root.is_dir():
        raise UsageError(_("{path} is a file, not a folder").format(path=path))
    if root.exists() and any(entry for entry in root.iterdir() if entry.name != ".git"):
        raise UsageError(_("{path} is not empty; choose a new or empty folder").format(path=path))
    config = Config(city=city) if city else Config()
    if has_own_districts(config.city):
        config.vocabularies.districts = {}
    message = f"init: new mokoord store for {config.city}"
    existing = next(folder for folder in (root, *root.parents) if folder.is_dir())
    repo = gitops.toplevel(existing) if commit else None
    if commit:
        gitops.identity_args(repo or existing, None)  # fails before anything is written
    created = [folder for folder in (root, *root.parents) if not folder.exists()]
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise file_fault(exc, exc.filename or root) from None
    document = _config_document(config)
    written = [root / CONFIG_FILE, root / ".gitignore", root / ".gitattributes"]
    try:
        atomic_write(root / CONFIG_FILE, document.dump().encode("utf-8"))
        atomic_write(root / ".gitignore", GITIGNORE.encode("utf-8"))
        atomic_write(root / ".gitattributes", gitattributes().encode("utf-8"))
        for spec in KINDS.values():
            keep = root / spec.folder / ".gitkeep"
            atomic_write(keep, b"")
            written.append(keep)
        from mokoord.outreach.example import EXAMPLE_PATH, EXAMPLE_TEXT

        atomic_write(root / EXAMPLE_PATH, EXAMPLE_TEXT.encode("utf-8"))
        written.append(root / EXAMPLE_PATH)
        if not commit:
            return root, None
        commit_id = (
            gitops.init_repository(root, message)
            if repo is None
            else gitops.commit(repo, written, message)
        )
        from mokoord.githooks import CLONE_HOOKS, install_hooks
        from mokoord.gitrepo import git_dir_of, setup_merge_driver

        setup_merge_driver(repo or root)
        found = git_dir_of(repo or root)
        if found is not None:
            install_hooks(found[1], CLONE_HOOKS)  # the guard of docs/privacy.md, section 6
        return root, commit_id
    except BaseException as exc:
        # Leave nothing half-made behind: a second `init` must not find a store.
        for file in written:
            file.unlink(missing_ok=True)
        for spec in KINDS.values():
            with contextlib.suppress(OSError):
                (root / spec.folder).rmdir()
        for folder in (root / "templates" / "outreach", root / "templates"):
            with contextlib.suppress(OSError):
                folder.rmdir()
        if repo is None and commit:
            shutil.rmtree(root / ".git", ignore_errors=True)
        for folder in created:
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(exc, OSError):
            raise file_fault(exc, root) from None
        raise


DISTRICTS_NOTE = """The districts of {city}: replace {{}} by one line per district, e.g.
  mitte: {{de: Mitte, en: Centre}}
(the key in lower-case letters, digits and _; de and en: the labels in reports)"""


def has_own_districts(city: str) -> bool:
    """Whether a new store for ``city`` starts with an empty district list.

    The default vocabularies hold Wiesbaden's districts; any other city
    fills in its own.
    """
    return city.strip().casefold() != "wiesbaden"


def _config_document(config: Config) -> RoundTripDocument:
    """The new store's mokoord.yaml; an empty district list is written (with a note),
    since a missing one would mean Wiesbaden's."""
    data = plain(config)
    if not config.vocabularies.districts:
        vocabularies: dict[str, Any] = {}
        for key, terms in data.get("vocabularies", {}).items():
            vocabularies[key] = terms
            if key == "fields":
                vocabularies["districts"] = {}
        vocabularies.setdefault("districts", {})
        data["vocabularies"] = vocabularies
    document = RoundTripDocument.new(data, header=CONFIG_HEADER)
    if not config.vocabularies.districts:
        document.data["vocabularies"].yaml_set_comment_before_after_key(
            "districts", before=DISTRICTS_NOTE.format(city=config.city), indent=2
        )
    return document
