"""Working together on one store: cloning it, setting up a clone, unfinished merges.

A store is shared through any git server (the city's GitLab or Forgejo, over
https or ssh); mokoord runs no server of its own. Each colleague works in a
clone and brings the work together with ``mokoord sync`` (:mod:`mokoord.sync`).

A clone is *set up* when git merges its record files with mokoord's merge
driver (:mod:`mokoord.merge`): the store's ``.gitattributes`` names the driver
(``init`` commits it), and the clone's own git config says how to run it; and
when its git hooks refuse a merge or push that would bring erased personal
data back (:mod:`mokoord.githooks`, docs/privacy.md). ``init`` and ``clone``
set that up; in a clone made with plain ``git clone`` the first mokoord
command does (:func:`self_setup`) and says so once.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mokoord import githooks, gitops, gitremote, gitrepo
from mokoord.errors import GitError, MokoordError, NotFound, UsageError
from mokoord.i18n import _
from mokoord.location import CONFIG_FILE

ATTRIBUTES = ".gitattributes"
DRIVER_ATTRIBUTE = f"merge={gitrepo.MERGE_DRIVER}"


# --------------------------------------------------------------------------- setting up a clone


def declares_driver(store_root: Path) -> bool:
    """Whether the store's committed ``.gitattributes`` names mokoord's merge driver."""
    try:
        text = (store_root / ATTRIBUTES).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return DRIVER_ATTRIBUTE in text


def self_setup(store_root: Path) -> list[str]:
    """Set up a clone whose store declares the driver but whose git config lacks it.

    Cheap when all is in place (a few file reads, no git): it runs before
    every command. Returns what was set up, for the command to say once; a
    clone that cannot be set up (read-only, no git) is left alone.
    """
    try:
        found = gitrepo.git_dir_of(store_root)
        if found is None or not declares_driver(store_root):
            return []
        top, git_dir = found
        done = [] if gitrepo.merge_driver_in_place(git_dir) else gitrepo.setup_merge_driver(top)
    except (GitError, OSError):  # read-only, another user's clone, no git: left alone
        return []
    with contextlib.suppress(OSError):  # hooks that cannot be written: the same
        done += install_guard(git_dir)
    return done


def install_guard(git_dir: Path) -> list[str]:
    """The guard against erased data coming back, as the clone's git hooks, unless it
    is in place (a few file reads); what was done, in words, once."""
    if githooks.hooks_in_place(git_dir):
        return []
    notes = githooks.install_hooks(git_dir, githooks.CLONE_HOOKS)
    return [guard_text(), *map(SetupWarning, notes)]


class SetupWarning(str):
    """A line of what setting up a clone did that the user must heed (shown as a
    warning, not as done): a hook of theirs chained, or hooks git runs from elsewhere."""


def guard_text() -> str:
    """What the guard's hooks do, for the line saying a clone was set up."""
    return _(
        "merges and pushes are refused when they would bring erased personal data back "
        "(git hooks {hooks})"
    ).format(hooks=", ".join(githooks.CLONE_HOOKS))


def guard_notes(store_root: Path) -> list[str]:
    """Installs the guard where it is missing (idempotent); what the user must know
    about it: a hook of theirs it chained, or hooks that git runs from elsewhere."""
    found = gitrepo.git_dir_of(store_root)
    return [] if found is None else githooks.install_hooks(found[1], githooks.CLONE_HOOKS)


def setup_if_needed(store_root: Path) -> list[str]:
    """Set the clone up fully unless it is (a few file reads): before a sync."""
    found = gitrepo.git_dir_of(store_root)
    if found is None:
        return []
    top, git_dir = found
    attributes = declares_driver(store_root) or _info_declares(git_dir)
    if attributes and gitrepo.merge_driver_in_place(git_dir) and githooks.hooks_in_place(git_dir):
        return []
    try:
        return setup(top, store_root)
    except (GitError, OSError):
        return []


def _info_declares(git_dir: Path) -> bool:
    try:
        info = gitrepo.common_dir(git_dir) / "info" / "attributes"
        return DRIVER_ATTRIBUTE in info.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def setup(top: Path, store_root: Path) -> list[str]:
    """Set up a clone fully: the driver in git's config, the attributes that name it,
    and the guard's git hooks.

    A store made before mokoord merged records has no ``.gitattributes``
    entry; this clone then gets one of its own (``.git/info/attributes``), so
    nothing needs to be committed.
    """
    done = gitrepo.setup_merge_driver(top)
    found = gitrepo.git_dir_of(top)
    if found is not None:
        done += install_guard(found[1])
    if not declares_driver(store_root):
        from mokoord.newstore import gitattributes

        found = gitops.repository(top)
        if found is not None:
            prefix = store_root.resolve().relative_to(found[0].resolve()).as_posix()
            lines = [
                line if line.startswith("#") or prefix == "." else f"{prefix}/{line}"
                for line in gitattributes().splitlines()
            ]
            info = gitrepo.common_dir(found[1]) / "info" / "attributes"
            existing = info.read_text(encoding="utf-8") if info.is_file() else ""
            if DRIVER_ATTRIBUTE not in existing:
                info.parent.mkdir(parents=True, exist_ok=True)
                info.write_text(existing + "\n".join(lines) + "\n", encoding="utf-8")
                done.append(
                    _("record files of this clone use the record merge (.git/info/attributes)")
                )
    return done


def identity(top: Path) -> tuple[str, str] | None:
    """The name and e-mail address git signs commits of this clone with, if configured."""
    name = gitops.config_get(top, "user.name")
    email = gitops.config_get(top, "user.email")
    if name and name.strip() and email and email.strip():
        return name.strip(), email.strip()
    return None


def set_identity(top: Path, name: str, email: str) -> None:
    """Sign this clone's commits with ``name <email>`` (the clone's own git config)."""
    gitops.config_set(top, "user.name", name.strip())
    gitops.config_set(top, "user.email", email.strip())


# --------------------------------------------------------------------------- clone


@dataclass
class Cloned:
    """A new clone: its work tree, the store in it, and what was set up."""

    top: Path
    store_root: Path
    setup: list[str] = field(default_factory=list)


def default_folder(url: str) -> str:
    """The folder ``git clone`` would make for ``url``: its last part without ``.git``."""
    name = url.rstrip("/").rstrip("\\")
    name = name.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    name = name.removesuffix(".git").removesuffix("/")
    return name or "mokoord-store"


def clone(url: str, target: Path | None, *, cwd: Path, interactive: bool) -> Cloned:
    """Clone a shared store and set the clone up for mokoord.

    Nothing is left behind when it fails: no half-cloned folder, and no clone
    of a repository that holds no store.
    """
    folder = (cwd / (target or Path(default_folder(url)))).absolute()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(
            _("{folder} exists and is not empty; choose a new folder").format(folder=folder),
            hint=_("mokoord clone URL FOLDER"),
        )
    made = not folder.exists()
    result = gitremote.run_remote(
        ["clone", "--quiet", "--", url, str(folder)], cwd, interactive=interactive
    )
    if result.returncode != 0:
        _remove(folder, made)
        raise remote_error(result.stderr, server=url, action="clone")
    store_root = find_store(folder) or _check_out_a_branch(folder)
    if store_root is None:
        _remove(folder, made)
        raise NotFound(
            _("{url} holds no mokoord store (no mokoord.yaml); nothing was cloned").format(url=url),
            hint=_(
                "check the address; a new, empty repository is filled from an existing "
                "store with `mokoord sync` (see docs/together.md)"
            ),
        )
    return Cloned(folder, store_root, setup(folder, store_root))


def find_store(top: Path) -> Path | None:
    """The store in a clone: its top folder, or one folder below holding ``mokoord.yaml``."""
    if (top / CONFIG_FILE).is_file():
        return top
    found = sorted(path.parent for path in top.glob(f"*/{CONFIG_FILE}"))
    return found[0] if found else None


def _check_out_a_branch(top: Path) -> Path | None:
    """The store, when the server's default branch is empty but another branch holds it.

    A new project on GitLab or Forgejo may name ``main`` its default branch
    while the first colleague sent ``master``: ``git clone`` then checks out
    nothing. The branch that holds the store is checked out instead.
    """
    if gitops.git(["rev-parse", "--verify", "--quiet", "HEAD"], top, check=False).returncode == 0:
        return None
    listing = gitops.git(
        ["for-each-ref", "--format=%(refname:lstrip=3)", "refs/remotes/origin/"], top, check=False
    ).stdout.split()
    branches = sorted(
        (name for name in listing if name != "HEAD"),
        key=lambda name: (name not in ("main", "master"), name),
    )
    for name in branches:
        found = gitops.git(["cat-file", "-e", f"origin/{name}:{CONFIG_FILE}"], top, check=False)
        if found.returncode == 0:
            gitops.git(["checkout", "--quiet", "-B", name, "--track", f"origin/{name}"], top)
            return find_store(top)
    return None


def _remove(folder: Path, made: bool) -> None:
    if made:
        shutil.rmtree(folder, ignore_errors=True)
    elif folder.is_dir():
        for entry in folder.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def build_index(store_root: Path, progress: Callable[[int, int], None] | None) -> int:
    """Read the store once through the index, so the next command is fast; the number of records."""
    from mokoord.dataset import KINDS
    from mokoord.store import Store

    store = Store(store_root)
    store.progress = progress
    data = store.load()
    return sum(len(data.records(kind)) for kind in KINDS)


# --------------------------------------------------------------------------- talking to the server


class ServerError(GitError):
    """The server could not be reached or refused; nothing local was lost."""


def remote_error(stderr: str, *, server: str, action: str) -> MokoordError:
    """One clear message for a failed clone, fetch or push, from git's own words."""
    reason = gitremote.first_line(stderr) or _("no reason given")
    failure = gitremote.remote_failure(stderr)
    if failure == "offline":
        return ServerError(
            _("the server {server} cannot be reached ({reason})").format(
                server=server, reason=reason
            ),
            hint=_(
                "nothing was lost: your work stays in this clone. Check the network (VPN?) "
                "and run the command again; `mokoord sync` carries on where it stopped"
            ),
        )
    if failure == "denied":
        return ServerError(
            _("the server {server} refused access ({reason})").format(server=server, reason=reason),
            hint=_(
                "check your access token or ssh key and your rights on the project "
                "(docs/together.md, “Access”); your work stays in this clone"
            ),
        )
    if failure == "missing":
        return ServerError(
            _("there is no repository at {server} ({reason})").format(server=server, reason=reason),
            hint=_("check the address (`git remote -v` shows it)"),
        )
    return ServerError(
        _("git {action} failed: {reason}").format(action=action, reason=reason),
        hint=_("your work stays in this clone; run the command again"),
    )


# --------------------------------------------------------------------------- unfinished operations


@dataclass(frozen=True)
class Unfinished:
    """A git operation left unfinished in the clone holding a store."""

    operation: str
    """``merge``, ``rebase``, ``am``, ``cherry-pick`` or ``revert``."""
    files: list[str]
    """Files still in conflict, relative to the clone's top folder."""
    top: Path


def unfinished(store_root: Path) -> Unfinished | None:
    """The unfinished merge, rebase or cherry-pick in the store's clone, if any.

    Without one this costs a few file checks; git is asked for the files in
    conflict only when there is one.
    """
    found = gitrepo.git_dir_of(store_root)
    if found is None:
        return None
    top, git_dir = found
    operation = gitrepo.operation_in_progress(git_dir)
    if operation is None:
        return None
    try:
        files = [entry.path for entry in gitrepo.unmerged(top)]
    except GitError:
        files = []
    return Unfinished(operation, files, top)


def unfinished_notice(state: Unfinished) -> tuple[str, str]:
    """(what is going on, what to do next) about an unfinished operation, for every command."""
    if state.operation == "merge":
        if state.files:
            what = _("a merge is not finished: files in conflict: {files}").format(
                files=", ".join(state.files)
            )
        else:
            what = _("a merge is not finished")
        next_step = _(
            "settle the conflicts (in a terminal `mokoord sync` asks; or change the records with "
            "`mokoord set` or `mokoord edit`), then run `mokoord sync --continue`; "
            "or undo the merge with `mokoord sync --abort`"
        )
        if not state.files:
            next_step = gitrepo.merge_next_step([])
        return what, next_step
    error = gitrepo.unfinished_error(state.operation, state.top)
    if state.files:
        return (
            _("a git {operation} is not finished: files in conflict: {files}").format(
                operation=state.operation, files=", ".join(state.files)
            ),
            error.hint or "",
        )
    return error.message, error.hint or ""


FOLDERS: dict[str, str] = {
    "organisations": "organisation",
    "persons": "person",
    "contacts": "contact",
    "events": "event",
    "cooperations": "cooperation",
    "networks": "network",
    "institutions": "institution",
    "programmes": "programme",
    "applications": "application",
    "erasures": "erasure",
}
"""Folder → kind of record, as :data:`mokoord.dataset.KINDS` has them (a test keeps
them equal); here without importing the models, which a sync rarely needs."""


# --------------------------------------------------------------------------- where to sync


@dataclass(frozen=True)
class Target:
    """The clone, its branch and the server branch it syncs with."""

    top: Path
    git_dir: Path
    store_root: Path
    branch: str
    remote: str
    url: str
    remote_branch: str
    has_upstream: bool
    quick: bool = False
    """A fast-forward may be made by checking out the changed files only: no
    ``post-merge`` hook to run, no sparse checkout (see ``sync._fast_forward``)."""
    head: str = ""
    """The commit checked out when the clone was looked at."""

    @property
    def tracking(self) -> str:
        return f"refs/remotes/{self.remote}/{self.remote_branch}"

    @property
    def prefix(self) -> str:
        """The store's folder relative to the clone's top, ``""`` when it is the top."""
        relative = self.store_root.resolve().relative_to(self.top.resolve()).as_posix()
        return "" if relative == "." else relative + "/"

    @property
    def server(self) -> str:
        """The remote as shown to people: name and address, without any password or token."""
        return f"{self.remote} ({shown_url(self.url)})"


def shown_url(url: str) -> str:
    """``https://user:token@host/x`` → ``https://host/x``: never print a secret."""
    return re.sub(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", r"\1", url, flags=re.IGNORECASE)


def target(store_root: Path, remote: str | None = None) -> Target:
    """The clone holding the store and the server branch its current branch syncs with.

    ``remote`` defaults to the branch's upstream remote, else ``origin``.
    """
    found = gitops.git(
        [
            "rev-parse",
            "--show-toplevel",
            "--absolute-git-dir",
            "HEAD",
            "--symbolic-full-name",
            "HEAD",
        ],
        store_root,
        check=False,
    )
    lines = found.stdout.splitlines()
    if found.returncode != 0 or len(lines) != 4:
        if gitops.repository(store_root) is None:
            raise GitError(
                _("{root} is not in a git repository, so there is nothing to sync").format(
                    root=store_root
                ),
                hint=_("get a shared store with `mokoord clone URL`"),
            )
        raise GitError(_("this clone has no commit yet; nothing to sync"))
    top, git_dir, commit, head = Path(lines[0]), Path(lines[1]), lines[2], lines[3]
    if not head.startswith("refs/heads/"):
        raise GitError(
            _("this clone is on no branch (a detached HEAD), so it cannot sync"),
            hint=_("go back to your branch with `git switch -` or `git switch main`"),
        )
    branch = head.removeprefix("refs/heads/")
    values = _config(top, r"^(branch|remote)\.|^core\.(hookspath|sparsecheckout)$")
    upstream = values.get(f"branch.{branch}.remote")
    name = remote or upstream or "origin"
    url = values.get(f"remote.{name}.url")
    if url is None:
        known = sorted(
            {
                key.split(".")[1]
                for key in values
                if key.startswith("remote.") and key.count(".") == 2
            }
        )
        raise UsageError(
            _("this clone knows no server named '{remote}'").format(remote=name),
            hint=_("known: {names}").format(names=", ".join(known))
            if known
            else _(
                "add the shared repository once: git remote add origin URL (see docs/together.md)"
            ),
        )
    merge_ref = values.get(f"branch.{branch}.merge", "")
    tracked = upstream == name and merge_ref.startswith("refs/heads/")
    remote_branch = merge_ref.removeprefix("refs/heads/") if tracked else branch
    hooks = Path(values.get("core.hookspath") or gitrepo.common_dir(git_dir) / "hooks")
    hooks = hooks if hooks.is_absolute() else top / hooks
    quick = not os.access(hooks / "post-merge", os.X_OK) and values.get(
        "core.sparsecheckout", "false"
    ).lower() in ("false", "no", "off", "0")
    store = store_root.resolve()
    return Target(top, git_dir, store, branch, name, url, remote_branch, tracked, quick, commit)


def _config(top: Path, pattern: str) -> dict[str, str]:
    found = gitops.git(["config", "-z", "--get-regexp", pattern], top, check=False).stdout
    values: dict[str, str] = {}
    for entry in filter(None, found.split("\0")):
        key, _sep, value = entry.partition("\n")
        values.setdefault(key, value)
    return values
