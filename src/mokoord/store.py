"""The store: the one module that knows the data directory.

Layout under the store root (the folder holding ``mokoord.yaml``)::

    mokoord.yaml                      configuration and vocabularies
    organisations/<id>.yaml           one file per organisation
    persons/<id>.yaml                 contact persons (personal data), random ids
    contacts/<year>/<id>.yaml         one file per contact, id <date>-<random>
    events/<year>/<id>.yaml           one file per event, id <date>-<title>
    applications/<year>/<id>.yaml     funding applications
    cooperations/<id>.yaml
    networks/<id>.yaml
    institutions/<id>.yaml
    programmes/<id>.yaml
    erasures/<id>.yaml                the erasure log (docs/privacy.md)
    templates/                        optional report templates overriding the built-in ones
    .mokoord/                         caches and locks (git-ignored)

Every new contact, event or application is a new file with an id no other
clone can pick (it carries a random part or its date and title), so two people
adding records in two clones merge without a conflict.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Container, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from mokoord.dataset import KINDS, Dataset, Kind, kind_of, plain
from mokoord.errors import (
    InvalidData,
    MokoordError,
    NotFound,
    Problem,
    Unreadable,
    UsageError,
)
from mokoord.faults import file_fault
from mokoord.i18n import N_, _
from mokoord.location import CONFIG_FILE as CONFIG_FILE
from mokoord.location import ENV_VAR as ENV_VAR
from mokoord.location import find_store_root as find_store_root
from mokoord.models import Config, Record
from mokoord.roundtrip import RoundTripDocument
from mokoord.slugs import is_device_name, is_valid_id
from mokoord.validation import validate_document
from mokoord.yamlio import Document, atomic_write, iter_yaml_files, read_document

LOCK_TIMEOUT = 120
"""Seconds a change waits for another one holding the store's write lock."""
CACHE_DIR = ".mokoord"

R = TypeVar("R", bound=Record)


# --------------------------------------------------------------------------- the store


NOT_FOUND: dict[str, str] = {
    "organisation": N_("no organisation with id '{id}'"),
    "person": N_("no person with id '{id}'"),
    "contact": N_("no contact with id '{id}'"),
    "event": N_("no event with id '{id}'"),
    "cooperation": N_("no cooperation with id '{id}'"),
    "network": N_("no network with id '{id}'"),
    "institution": N_("no institution with id '{id}'"),
    "programme": N_("no programme with id '{id}'"),
    "application": N_("no application with id '{id}'"),
    "erasure": N_("no erasure with id '{id}'"),
}
"""What :meth:`Store.get` says of an id no file holds, per kind."""


class Store:
    """A store on disk: finding, reading and writing its files."""

    def __init__(self, root: Path, config: Config | None = None) -> None:
        self.root = root
        self._config = config
        self.use_cache = True
        """Read through the index (:mod:`mokoord.index`); ``--no-cache`` turns it off."""
        self.progress: Callable[[int, int], None] | None = None
        """Called as ``progress(done, total)`` while many files are parsed."""
        self.retain: list[object] | None = None
        """When a list, every loaded :class:`Dataset` is appended to it: a command line
        keeps them until the process ends, which is cheaper than freeing them."""
        self.on_left_out: Callable[[list[Problem]], None] | None = None
        """Called after every :meth:`load` that left files out, with the problems
        of the kinds it read (the CLI names each such file on stderr)."""

    @classmethod
    def open(cls, explicit: Path | None = None, *, cwd: Path | None = None) -> Store:
        return cls(find_store_root(explicit, cwd=cwd))

    # -- configuration

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = self.load_config()
        return self._config

    def load_config(self) -> Config:
        config, problems = self.read_config()
        if config is None:
            raise InvalidData(
                _("{file} is not valid; fix it first").format(file=CONFIG_FILE), problems
            )
        return config

    def read_config(self) -> tuple[Config | None, list[Problem]]:
        """The configuration and its file's problems (parsed data kept beside the
        index while the file is unchanged: :mod:`mokoord.configfile`)."""
        from mokoord.configfile import read_config

        return read_config(self.root, self.cache_dir if self.use_cache else None)

    # -- paths

    def relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def path_for(self, record: Record) -> Path:
        return self.root / kind_of(record).relative_path(record)

    @property
    def cache_dir(self) -> Path:
        return self.root / CACHE_DIR

    def files(self, kind: str) -> Iterator[Path]:
        yield from iter_yaml_files(self.root / KINDS[kind].folder)

    def find_file(self, kind: str, record_id: str) -> Path | None:
        """The file of one record, found by its id (for dated kinds in any year folder)."""
        spec = KINDS[kind]
        if not is_valid_id(record_id):
            return None
        folder = self.root / spec.folder
        direct = folder / f"{record_id}.yaml"
        if direct.is_file():
            return direct
        if spec.year_of is not None:
            year = record_id[:4]
            if year.isdigit() and (folder / year / f"{record_id}.yaml").is_file():
                return folder / year / f"{record_id}.yaml"
            for path in folder.glob(f"*/{record_id}.yaml"):
                return path
        return None

    # -- reading

    def read_document(self, path: Path, *, locate: bool = True) -> Document:
        return read_document(path, self.relative(path), locate=locate)

    def get(self, model: type[R], record_id: str) -> R:
        """One record by id; a clear error when it is missing or invalid."""
        kind = kind_of(model)
        path = self.find_file(kind.name, record_id)
        if path is None:
            raise NotFound(_(NOT_FOUND[kind.name]).format(id=record_id))
        record, problems = validate_document(self.read_document(path), model)
        if record is None:
            errors = [problem for problem in problems if problem.severity == "error"]
            repair = f"mokoord edit {record_id}" if kind.name == "organisation" else None
            raise Unreadable(errors or problems, repair=repair)
        return record

    def taken(self, kind: str) -> Container[str]:
        """Answers ``record_id in store.taken(kind)`` from the disk, one file at a time."""
        store = self

        class _Taken:
            def __contains__(self, record_id: object) -> bool:
                return isinstance(record_id, str) and store.exists(kind, record_id)

        return _Taken()

    def exists(self, kind: str, record_id: str) -> bool:
        return self.find_file(kind, record_id) is not None

    def load(
        self,
        kinds: Iterable[str] | None = None,
        *,
        use_cache: bool | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Dataset:
        """Read and validate every file (of the given kinds), through the index.

        Files that do not validate are left out and their problems recorded in
        :attr:`Dataset.problems`; loading itself never fails on bad data. The
        index (:mod:`mokoord.index`) makes this fast: only files changed since
        the last command are parsed again. ``use_cache=False`` reads every file;
        both arguments default to the store's :attr:`use_cache` and :attr:`progress`.
        """
        from mokoord.index import load_kinds, quiet_gc

        config, config_problems = self.read_config()
        if config is None:
            raise InvalidData(
                _("{file} is not valid; fix it first").format(file=CONFIG_FILE), config_problems
            )
        self._config = config
        data = Dataset(config=config)
        with quiet_gc():
            for name, records, problems, sources in load_kinds(
                self.root,
                list(kinds or KINDS),
                use_cache=self.use_cache if use_cache is None else use_cache,
                progress=progress or self.progress,
            ):
                setattr(data, KINDS[name].folder, records)
                data.problems.extend(problems)
                data.sources.add_kind(name, sources)
        if self.retain is not None:
            self.retain.append(data)
        if self.on_left_out is not None and data.left_out():
            self.on_left_out(data.problems)
        return data

    def documents(
        self, kinds: Iterable[str] | None = None
    ) -> Iterator[tuple[Kind, Path, Document]]:
        """Every file parsed with positions, for checks that point at lines."""
        for name in kinds or KINDS:
            spec = KINDS[name]
            for path in self.files(name):
                yield spec, path, self.read_document(path)

    # -- writing

    def render(self, record: Record, previous: Record | None = None) -> tuple[Path, bytes]:
        """The bytes a record's file should hold, keeping the existing file's layout."""
        path = self.path_for(record)
        new = plain(record)
        if previous is not None:
            old_path = self.path_for(previous)
            source = old_path if old_path.is_file() else path
            if source.is_file():
                raw = source.read_bytes()
                bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
                doc = RoundTripDocument(raw[len(bom) :].decode("utf-8"))
                doc.apply(plain(previous), new)
                return path, bom + doc.dump().encode("utf-8")
        return path, RoundTripDocument.new(new).dump().encode("utf-8")

    def check_new(self, record: Record) -> None:
        kind = kind_of(record)
        if is_device_name(record.id):
            raise UsageError(
                _("'{id}' cannot be a file name: Windows keeps {name} for a device").format(
                    id=record.id, name=record.id.upper()
                ),
                hint=_("choose another id, e.g. {id}-1").format(id=record.id),
            )
        if self.exists(kind.name, record.id):
            raise MokoordError(
                f"{_article(kind.name)} {kind.name} with id '{record.id}' exists already"
            )


# --------------------------------------------------------------------------- changes


class Change:
    """One change to a store: files written atomically, then one git commit.

    Use as a context manager::

        with Change(store, "add-org elternverein-biebrich") as change:
            change.create(organisation)

    While it runs it holds the store's write lock, so concurrent mokoord
    commands in one clone never interleave their read-modify-write or their
    commits. If the block fails, every file it wrote is restored. With
    ``commit=False`` the files are written and left uncommitted.
    """

    def __init__(
        self, store: Store, message: str, *, commit: bool = True, index: bool = False
    ) -> None:
        self.store = store
        self.message = message
        self.commit = commit
        self.index = index
        """Take the files written into the index while git commits them (see
        :mod:`mokoord.intake`): for a command after which a read is likely."""
        self.repo: Path | None = None
        self.touched: dict[Path, bytes | None] = {}
        self.commit_id: str | None = None
        self.merging = False
        """A merge is unfinished: only its files in conflict are written, and not committed
        (``mokoord sync --continue`` commits them with the merge)."""
        self._in_conflict: set[Path] = set()
        self._lock: Any = None

    def __enter__(self) -> Change:
        from filelock import FileLock, Timeout

        from mokoord import gitops
        from mokoord.errors import GitError

        lock_dir = self.store.cache_dir
        if self.commit:
            found = gitops.repository(self.store.root)
            if found is None:
                raise GitError(
                    _(
                        "{folder} is not in a git repository, so the change cannot be "
                        "committed to the audit trail"
                    ).format(folder=self.store.root),
                    hint=_("run `git init` there, or pass --no-commit to write without a commit"),
                )
            self.repo, lock_dir = found
        lock_path = lock_dir / "mokoord.lock"
        self._lock = FileLock(str(lock_path), timeout=LOCK_TIMEOUT)
        try:
            lock_dir.mkdir(parents=True, exist_ok=True)
            self._lock.acquire()
        except Timeout:
            raise MokoordError(
                _(
                    "another mokoord command has been changing the store for {seconds} "
                    "seconds; nothing was changed"
                ).format(seconds=LOCK_TIMEOUT),
                hint=_("wait until it has finished, then run the command again"),
            ) from None
        except OSError as exc:  # after Timeout, which is an OSError too
            raise file_fault(exc, lock_path) from None
        if self.repo is not None:
            try:
                self._check_unfinished(self.repo, lock_dir)
            except BaseException:
                self._lock.release()
                raise
        return self

    def _check_unfinished(self, repo: Path, git_dir: Path) -> None:
        """Refuse to commit into an unfinished rebase or cherry-pick; in an unfinished
        merge, allow writing only the files in conflict (settling them)."""
        from mokoord import gitrepo

        operation = gitrepo.operation_in_progress(git_dir)
        if operation is None:
            return
        if operation != "merge":
            raise gitrepo.unfinished_error(operation, repo)
        self.merging = True
        self._in_conflict = {(repo / entry.path).resolve() for entry in gitrepo.unmerged(repo)}

    def _remember(self, path: Path) -> None:
        if self.merging and path.resolve() not in self._in_conflict:
            from mokoord import gitrepo

            assert self.repo is not None
            raise gitrepo.unfinished_error("merge", self.repo, path=self.store.relative(path))
        if path not in self.touched:
            try:
                self.touched[path] = path.read_bytes() if path.is_file() else None
            except OSError as exc:
                raise file_fault(exc, path, writing=False) from None

    def write_bytes(self, path: Path, content: bytes) -> None:
        self._remember(path)
        try:
            atomic_write(path, content)
        except OSError as exc:
            raise file_fault(exc, path) from None

    def _unlink(self, path: Path) -> None:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise file_fault(exc, path) from None

    def save(self, record: Record, previous: Record | None = None) -> Path:
        """Write a record, keeping the layout of its file; moves it when its path changes."""
        path, content = self.store.render(record, previous)
        if previous is not None:
            old = self.store.path_for(previous)
            if old != path and old.is_file():
                if path.exists() and path not in self.touched:
                    raise MokoordError(
                        f"cannot move {self.store.relative(old)} to {self.store.relative(path)}: "
                        "that file exists already"
                    )
                self._remember(old)
                self.write_bytes(path, content)
                self._unlink(old)
                return path
        self.write_bytes(path, content)
        return path

    def create(self, record: Record) -> Path:
        """Write a new record; refuses when its id is taken."""
        self.store.check_new(record)
        return self.save(record)

    def delete(self, record: Record) -> None:
        path = self.store.path_for(record)
        self._remember(path)
        self._unlink(path)

    @property
    def changed(self) -> list[Path]:
        return [
            path
            for path, before in self.touched.items()
            if (path.read_bytes() if path.is_file() else None) != before
        ]

    def _intake(self, changed: list[Path]) -> Any:
        """The files written, being taken into the index (when asked for and there is one)."""
        if not (self.index and changed and self.store.use_cache):
            return None
        if not (self.store.cache_dir / "index").is_dir():
            return None
        from mokoord.intake import Intake

        files: dict[str, bytes | None] = {}
        for path in changed:
            with contextlib.suppress(OSError, ValueError):
                files[path.relative_to(self.store.root).as_posix()] = (
                    path.read_bytes() if path.is_file() else None
                )
        return Intake(self.store.root, files)

    def _restore(self) -> None:
        for path, content in self.touched.items():
            with contextlib.suppress(OSError):
                if content is None:
                    path.unlink(missing_ok=True)
                else:
                    atomic_write(path, content)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        from mokoord import gitops

        try:
            if exc_type is not None:
                self._restore()
                return
            changed = self.changed
            intake = self._intake(changed)
            try:
                if self.commit and self.repo is not None and changed and not self.merging:
                    try:
                        author = self.store.config.author
                        self.commit_id = gitops.commit(
                            self.repo,
                            changed,
                            self.message,
                            author=(author.name, str(author.email)) if author else None,
                        )
                    except BaseException:
                        self._restore()
                        raise
            finally:
                if intake is not None:
                    intake.finish()
        finally:
            self._lock.release()


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"
