"""``mokoord check``: every problem in a store, each pointing at its line.

A check reads the store through the index, like every other command, so a
file that did not change since the last command is neither parsed nor
validated again: the index keeps each file's own problems and, for each
valid record, its *claims* (:mod:`mokoord.checkfacts`): what it refers to,
which of its dates must not lie in the future, which terms it uses, each
with its line and column. The checks across records
(:mod:`mokoord.checkrules`) judge those claims against the rest of the
store, the configuration and today's date. Each shard of the index carries
a summary of its claims, so a shard none of whose claims can be a problem
(all its references known, all its terms declared, no date after today) is
passed over without reading them. The privacy checks
(:mod:`mokoord.privacy.checks`) judge the records' privacy facts
(:mod:`mokoord.privacyfacts`) the same way; what they find in free text is
kept per shard (:meth:`StoreContext.findings`).

:func:`check_store` gives what reading every file with positions and
validating every record gives, in the same order; with ``--no-cache`` it
reads every file (the tests compare both). :func:`check_records` runs the
same checks over records about to be written.
"""

from __future__ import annotations

import datetime as dt
import marshal
from collections.abc import Callable, Container, Iterable, Iterator, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mokoord.checkfacts import FUNDING, OPENS, PRIVACY, Claims, FileFacts
from mokoord.checkrules import CHECKS, ClaimsContext, Funding, Summary, judge_records
from mokoord.dataset import KINDS, Dataset, Kind
from mokoord.errors import Problem
from mokoord.facts import legal_form_and_rooms
from mokoord.i18n import N_, _
from mokoord.index import OTHER, KindIndex, bucket_of, open_kinds, quiet_gc
from mokoord.models import Config, Erasure, Programme, Record
from mokoord.models.meta import FREE_TEXT
from mokoord.privacy import checks as privacy_checks
from mokoord.privacy.checks import Find, Finding, PersonFacts
from mokoord.shardcache import ShardCache
from mokoord.shards import Shard, ShardKey
from mokoord.store import CONFIG_FILE, Store
from mokoord.validation import validate_document
from mokoord.yamlio import iter_yaml_files, read_document

if TYPE_CHECKING:
    from mokoord.plans import Plan

KIND_NOUNS = {
    "organisation": N_("organisation"),
    "person": N_("person"),
    "contact": N_("contact"),
    "event": N_("event"),
    "cooperation": N_("cooperation"),
    "network": N_("network"),
    "institution": N_("institution"),
    "programme": N_("programme"),
    "application": N_("application"),
}


def check_store(
    store: Store, *, strict: bool = False, today: dt.date | None = None
) -> list[Problem]:
    """All problems of a store, sorted by file and line."""
    today = today or dt.date.today()
    config_doc = read_document(store.root / CONFIG_FILE, CONFIG_FILE)
    config, problems = validate_document(config_doc, Config)
    if config is None:
        return sorted(problems, key=lambda p: p.sort_key)
    with quiet_gc():
        indexes = open_kinds(
            store.root, list(KINDS), use_cache=store.use_cache, progress=store.progress
        )
        kinds = {name: KindFiles(KINDS[name], index) for name, index in indexes.items()}
        for files in kinds.values():
            problems.extend(files.own_problems())
        problems.extend(_stray_files(store))
        ctx = StoreContext(config, today, strict, kinds, store.root, use_cache=store.use_cache)
        for check in CHECKS:
            problems.extend(check(ctx))
        for record_check in RECORD_CHECKS:
            problems.extend(record_check(ctx))
    if store.retain is not None:
        store.retain.append(kinds)
    return sorted(problems, key=lambda p: p.sort_key)


def check_records(
    data: Dataset,
    records: Iterable[Record],
    *,
    strict: bool = False,
    today: dt.date | None = None,
) -> list[Problem]:
    """The problems ``mokoord check`` would report in the files of ``records`` once written.

    For a command about to write records: each record is judged as a new file
    of its own (lines and columns are those of the file as first written)
    against ``data``, the store it joins, by the checks across records
    (references, dates, open ends, terms, funding rules). A record replaces
    the record with its id in ``data``. ``data`` must hold every kind the
    records refer to (an organisation's networks, a contact's organisations,
    persons and institutions, an application's organisation, programme and
    the other applications); a kind it lacks counts as empty. A file's own
    problems (validation, its name and folder) are the writer's to avoid.
    """
    return judge_records(data, list(records), strict=strict, today=today or dt.date.today())


CHECKED_KINDS: tuple[str, ...] = (
    "organisation",
    "person",
    "institution",
    "network",
    "programme",
    "application",
)
"""The kinds a dataset must hold for :func:`checked`: those records refer to, and
the applications the funding rules add up."""


def checked(plan: Plan, data: Dataset, *, today: dt.date | None = None) -> Plan:
    """``plan`` with the problems ``mokoord check`` would report in the records it
    writes (:func:`check_records`; ``data`` holds :data:`CHECKED_KINDS`): its errors
    stop the plan (:func:`mokoord.plans.apply` refuses it), its warnings are shown.

    A changed record is not blamed for what its file held before: a problem the
    previous record has too is left out, so a status change is not refused for an
    old mistake elsewhere in the file (``check`` reports that). A problem the
    planner reported itself is not repeated.
    """
    from mokoord.plans import Write

    writes = [write for write in plan.writes if isinstance(write, Write)]
    if not writes:
        return plan
    found = check_records(data, [write.record for write in writes], today=today)
    previous = [write.previous for write in writes if write.previous is not None]
    old = check_records(data, previous, today=today) if previous and found else []
    known = {(p.path, p.code, p.message) for p in [*old, *plan.problems]}
    plan.problems.extend(p for p in found if (p.path, p.code, p.message) not in known)
    return plan


def count_by_severity(problems: Iterable[Problem]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0}
    for problem in problems:
        counts[problem.severity] += 1
    return counts


def check_order(relative: str) -> tuple[tuple[int, str], ...]:
    """Where a file comes when its kind's folder is walked: a folder's own files by
    name, then its subfolders by name. The first of two files holding an id keeps it."""
    parts = relative.split("/")[1:]
    return (*((1, part) for part in parts[:-1]), (0, parts[-1]))


# --------------------------------------------------------------------------- each file


@dataclass
class KindFiles:
    """One kind's files as the checks see them: which file keeps each id."""

    spec: Kind
    index: KindIndex
    kept: dict[str, str] = field(default_factory=dict)
    """id → the file that keeps it (see :meth:`own_problems`)."""
    invalid: set[str] = field(default_factory=set)
    """Ids of files that do not validate: their stems and the ids they declare."""
    contested: set[str] = field(default_factory=set)
    """Ids held by more than one file."""

    def shard(self, key: ShardKey, *, claims: bool = False) -> Shard:
        """The shard with its summary (and its files' facts and claims) read."""
        shard = self.index.shards[key]
        if shard.load_check() and (not claims or shard.load_claims()):
            return shard
        return self.index.whole(key)  # replaced by another command meanwhile

    def key_of(self, relative: str) -> tuple[ShardKey, str]:
        folder, _slash, name = relative.rpartition("/")
        return (folder, OTHER if name.endswith(".yml") else bucket_of(name)), name

    def facts(self, relative: str) -> FileFacts:
        key, name = self.key_of(relative)
        files = self.shard(key, claims=True).files
        assert files is not None
        return files[name]

    def claims(self, wanted: Callable[[Summary], bool]) -> Iterator[tuple[str, str, Claims]]:
        """(file, id, claims) of every kept record in the shards whose summary ``wanted`` picks."""
        kept = self.kept
        for key in sorted(self.index.shards):
            if not wanted(self.shard(key).summary):
                continue
            shard = self.shard(key, claims=True)
            assert shard.claims is not None
            start = len(key[0]) + 1
            for record_id, relative in shard.sources.items():
                if kept.get(record_id) == relative:
                    yield relative, record_id, shard.claims[relative[start:]]

    def opens(self) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
        """(file, its open ends) of every kept record with open ends (from the summaries)."""
        for key in sorted(self.index.shards):
            grouped: dict[str, list[tuple[Any, ...]]] = {}
            for name, record_id, entry in self.shard(key).summary["opens"]:
                relative = f"{key[0]}/{name}"
                if self.kept.get(record_id) == relative:
                    grouped.setdefault(relative, []).append(entry)
            yield from grouped.items()

    def own_problems(self) -> Iterator[Problem]:
        """Each file's own problems; decides which file keeps each id (:attr:`kept`)."""
        spec, kept = self.spec, self.kept
        twice: set[str] = set()
        for key in sorted(self.index.shards):
            shard = self.shard(key)
            for found in shard.problems.values():
                for own in found:
                    yield Problem(*own)
            odd: dict[str, FileFacts] = shard.summary["odd"]
            if key[1] == OTHER or (spec.year_of is None and key[0] != spec.folder):
                odd = self.shard(key, claims=True).files or {}
            for name, facts in odd.items():
                yield from _naming(spec, f"{key[0]}/{name}", name, facts)
                if facts[0] is None:
                    self.invalid.add(name.rpartition(".")[0])
                    if facts[1] is not None:
                        self.invalid.add(facts[1])
                elif shard.sources.get(facts[0]) != f"{key[0]}/{name}":
                    twice.add(facts[0])  # a second file in this shard holds the id
            if kept.keys().isdisjoint(shard.sources):
                kept.update(shard.sources)
            else:
                for record_id, relative in shard.sources.items():
                    if record_id in kept:
                        twice.add(record_id)
                    else:
                        kept[record_id] = relative
        if twice:
            self.contested = twice
            yield from self._duplicates(twice)
        if spec.year_of is not None:
            yield from self._years()

    def _duplicates(self, twice: set[str]) -> Iterator[Problem]:
        """Of the files holding one id, the first (:func:`check_order`) keeps it."""
        holders: dict[str, list[str]] = {record_id: [] for record_id in twice}
        for key in sorted(self.index.shards):
            shard = self.shard(key)
            for record_id in twice.intersection(shard.sources):
                holders[record_id].append(shard.sources[record_id])
            for name, facts in shard.summary["odd"].items():
                relative = f"{key[0]}/{name}"
                if facts[0] in twice and relative not in holders[facts[0]]:
                    holders[facts[0]].append(relative)
        for record_id, found in holders.items():
            found.sort(key=check_order)
            self.kept[record_id] = found[0]
            for relative in found[1:]:
                facts = self.facts(relative)
                yield Problem(
                    relative,
                    facts[2],
                    facts[3],
                    "error",
                    "duplicate-id",
                    _("the {kind} id '{id}' is used by {path} too").format(
                        kind=_(KIND_NOUNS[self.spec.name]), id=record_id, path=found[0]
                    ),
                )

    def _years(self) -> Iterator[Problem]:
        """Dated records belong in the folder of their year."""
        folder = self.spec.folder
        for key in sorted(self.index.shards):
            for name, facts in self.shard(key).summary["misplaced"].items():
                relative = f"{key[0]}/{name}"
                if self.kept.get(facts[0] or "") == relative:
                    yield Problem(
                        relative,
                        facts[2],
                        facts[3],
                        "warning",
                        "wrong-folder",
                        _("{folder} of {year} belong in {folder}/{year}/").format(
                            folder=folder, year=facts[6]
                        ),
                    )


def _naming(spec: Kind, relative: str, name: str, facts: FileFacts) -> Iterator[Problem]:
    """Problems of a file's name and place: the id it declares, its suffix, its folder."""
    declared, line, column = facts[1], facts[2], facts[3]
    stem, _dot, suffix = name.rpartition(".")
    if declared is not None and declared != stem:
        yield Problem(
            relative,
            line,
            column,
            "error",
            "id-mismatch",
            _(
                "the id '{id}' differs from the file name '{name}'; "
                "rename the file to {id}.yaml or change the id"
            ).format(id=declared, name=name),
        )
    if suffix != "yaml":
        yield Problem(
            relative,
            facts[4],
            facts[5],
            "error",
            "file-name",
            _("mokoord files end in .yaml; rename {name} to {stem}.yaml").format(
                name=name, stem=stem
            ),
        )
    if spec.year_of is None and relative.rpartition("/")[0] != spec.folder:
        yield Problem(
            relative,
            line,
            column,
            "error",
            "wrong-folder",
            _("{folder} belong directly in {folder}/, not in a subfolder").format(
                folder=spec.folder
            ),
        )


def _stray_files(store: Store) -> Iterator[Problem]:
    """YAML files mokoord never reads: a typo in a folder name hides a record."""
    folders = {spec.folder for spec in KINDS.values()} | {"templates"}
    for entry in sorted(store.root.iterdir()):
        if entry.name.startswith(".") or entry.name in folders or entry.name == CONFIG_FILE:
            continue
        paths = [entry] if entry.is_file() else list(iter_yaml_files(entry))
        for path in paths:
            if path.suffix in (".yaml", ".yml"):
                yield Problem(
                    store.relative(path),
                    0,
                    0,
                    "warning",
                    "stray-file",
                    _("mokoord does not read this file: records belong in {folders}").format(
                        folders=", ".join(f"{spec.folder}/" for spec in KINDS.values())
                    ),
                )


# --------------------------------------------------------------------------- the whole store


FINDING = ("privacy/checks.py", "privacy/values.py", "textmatch.py")
"""The modules that find persons in free text (their findings are kept, see :meth:`StoreContext.findings`)."""

RecordCheck = Callable[["StoreContext"], Iterable[Problem]]
RECORD_CHECKS: list[RecordCheck] = list(privacy_checks.CHECKS)
"""The checks of the records' privacy facts (:mod:`mokoord.privacy.checks`), after
:data:`CHECKS`."""


class StoreContext(ClaimsContext):
    """A store's records as the index holds them (see :class:`KindFiles`)."""

    def __init__(
        self,
        config: Config,
        today: dt.date,
        strict: bool,
        kinds: dict[str, KindFiles],
        root: Path,
        *,
        use_cache: bool = True,
    ) -> None:
        super().__init__(config, today, strict)
        self.kinds = kinds
        self.root = root
        self.use_cache = use_cache
        self._programmes: dict[str, Programme | None] = {}
        self._persons: list[PersonFacts] | None = None
        self._erasures: list[Erasure] | None = None

    def known(self, kind: str) -> Set[str]:
        return self.kinds[kind].kept.keys()

    def invalid(self, kind: str) -> Container[str]:
        return self.kinds[kind].invalid

    def ids(self, kind: str) -> Iterable[str]:
        return self.kinds[kind].kept

    def claims(
        self, kind: str, wanted: Callable[[Summary], bool], part: int | None = None
    ) -> Iterator[tuple[str, Claims]]:
        files = self.kinds[kind]
        if part == OPENS:  # the summaries hold every open end
            empty: list[Any] = [()] * (FUNDING + 1)
            for path, entries in files.opens():
                yield path, (*empty[:OPENS], tuple(entries), *empty[OPENS + 1 :])
            return
        for path, _record_id, claims in files.claims(wanted):
            yield path, claims

    def programme(self, programme_id: str) -> Programme | None:
        if programme_id not in self._programmes:
            files = self.kinds["programme"]
            found = None
            if programme_id in files.kept:
                text = files.index.payload(files.kept[programme_id])
                found = Programme.model_validate_json(text)
            self._programmes[programme_id] = found
        return self._programmes[programme_id]

    def organisation(self, org_id: str) -> tuple[str | None, bool] | None:
        files = self.kinds["organisation"]
        if org_id not in files.kept:
            return None
        key, _name = files.key_of(files.kept[org_id])
        return legal_form_and_rooms(files.index.rows(key).rows()[org_id])

    def applications(self) -> list[Funding]:
        found = [
            (check_order(path), path, record_id, claims[FUNDING])
            for path, record_id, claims in self.kinds["application"].claims(lambda summary: True)
        ]
        found.sort(key=lambda entry: entry[0])
        return [(path, record_id, funding) for _order, path, record_id, funding in found]

    # -- the records' privacy facts (:class:`mokoord.privacy.checks.Facts`)

    def _privacy(self, kind: str, part: str) -> Iterator[tuple[str, Any]]:
        """(file, entry) of each entry of ``part`` of the shards' privacy summaries whose
        file keeps its record's id; the entries are (file name, (id, …)) pairs."""
        files = self.kinds[kind]
        for key in sorted(files.index.shards):
            for name, entry in files.shard(key).summary["privacy"][part].items():
                relative = f"{key[0]}/{name}"
                if files.kept.get(entry[0]) == relative:
                    yield relative, entry

    def persons(self) -> list[PersonFacts]:
        if self._persons is None:
            found = {entry[0]: (path, *entry) for path, entry in self._privacy("person", "persons")}
            self._persons = [found[person_id] for person_id in self.kinds["person"].kept]
        return self._persons

    def ended(self) -> dict[str, str]:
        return {org_id: since for _path, (org_id, since) in self._privacy("organisation", "ended")}

    def last_contacts(self) -> dict[str, str]:
        files = self.kinds["contact"]
        latest: dict[str, str] = {}
        for key in sorted(files.index.shards):
            shard = files.shard(key)
            last: dict[str, str] = shard.summary["privacy"]["last"]
            if not files.contested.isdisjoint(shard.sources):
                last = self._last_kept(files, key)  # the summary counts a record not kept
            for person, day in last.items():
                if latest.get(person, "") < day:
                    latest[person] = day
        return latest

    @staticmethod
    def _last_kept(files: KindFiles, key: ShardKey) -> dict[str, str]:
        shard = files.shard(key, claims=True)
        assert shard.claims is not None
        start = len(key[0]) + 1
        last: dict[str, str] = {}
        for record_id, relative in shard.sources.items():
            if files.kept.get(record_id) != relative:
                continue
            day, planned, named, _fields = shard.claims[relative[start:]][PRIVACY]["contact"]
            for person in () if planned else named:
                if last.get(person, "") < day:
                    last[person] = day
        return last

    def retained(self, limit: str) -> Iterator[tuple[str, str, str, str, int, int]]:
        files = self.kinds["contact"]
        for key in sorted(files.index.shards):
            summary = files.shard(key).summary["privacy"]
            if not summary["since"] or summary["since"] > limit:
                continue
            for day, name, record_id, first, line, column in marshal.loads(summary["retained"]):
                relative = f"{key[0]}/{name}"
                if day <= limit and files.kept.get(record_id) == relative:
                    yield relative, record_id, day, first, line, column

    def erasures(self) -> list[Erasure]:
        if self._erasures is None:
            files = self.kinds["erasure"]
            self._erasures = [
                Erasure.model_validate_json(files.index.payload(relative))
                for relative in files.kept.values()
            ]
        return self._erasures

    def findings(self, inputs: bytes, find: Find) -> Iterator[tuple[str, tuple[Finding, ...]]]:
        cache = ShardCache(self.root, "privacy", use=self.use_cache, sources=FINDING)
        for kind in FREE_TEXT:
            files = self.kinds[kind]
            for key in sorted(files.index.shards):
                shard = files.shard(key)
                if not shard.summary["privacy"]["texts"]:
                    continue
                found = cache.get(key, ShardCache.key(shard.digest, inputs))
                if found is None:
                    found = _findings(files.shard(key, claims=True), find)
                    cache.put(key, ShardCache.key(shard.digest, inputs), found)
                for name, (record_id, hits) in found.items():
                    relative = f"{key[0]}/{name}"
                    if files.kept.get(record_id) == relative:
                        yield relative, hits
        cache.save()

    def kept(self, name: str, key: bytes, make: Callable[[], Any]) -> Any:
        cache = ShardCache(self.root, name, use=self.use_cache, sources=FINDING)
        found = cache.get((name, 0), key)
        if found is None:
            found = make()
            cache.put((name, 0), key, found)
            cache.save()
        return found


def _findings(shard: Shard, find: Find) -> dict[str, tuple[str | None, tuple[Finding, ...]]]:
    """File name → (its record's id, what ``find`` finds in its free texts) of a shard."""
    assert shard.claims is not None
    assert shard.files is not None
    found = {}
    for name, claims in shard.claims.items():
        facts = claims[PRIVACY]
        if facts and "texts" in facts:
            hits = find(facts["texts"])
            if hits:
                found[name] = (shard.files[name][0], hits)
    return found


__all__ = [
    "CHECKED_KINDS",
    "CHECKS",
    "KINDS",
    "RECORD_CHECKS",
    "check_order",
    "check_records",
    "check_store",
    "checked",
    "count_by_severity",
]
