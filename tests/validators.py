"""Independent validators the tests hold mokoord's outputs to (see docs/standards.md).

- HTML: the Nu Html Checker (``vnu.jar``, the W3C's validator, from npm's
  ``vnu-jar``) and axe-core (accessibility) in Debian's headless Chromium.
- iCalendar: libical (Debian's ``libical3``, the C library behind Evolution
  and many CalDAV servers), called through ``ctypes``: its parser and its
  RFC 5545/5546 restriction check, and its own time zone arithmetic.
- JSON: ``jsonschema`` (Draft 2020-12) with format checking.

A validator that is not installed skips its tests, unless
``MOKOORD_REQUIRE_VALIDATORS=1`` (set by ``.ci/run``): then it fails them, so
that CI never passes without the validators it is meant to run.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import datetime as dt
import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REQUIRE_ENV = "MOKOORD_REQUIRE_VALIDATORS"


def missing(what: str, how: str) -> None:
    """Skip the test for want of a validator, or fail it where validators are required."""
    message = f"{what} is not installed ({how})"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message}; {REQUIRE_ENV}=1 requires it")
    pytest.skip(message)


# --------------------------------------------------------------------------- libical


class _Time(ctypes.Structure):
    """libical 3's ``struct icaltimetype``."""

    _fields_ = [
        *(
            (name, ctypes.c_int)
            for name in (
                "year",
                "month",
                "day",
                "hour",
                "minute",
                "second",
                "is_date",
                "is_daylight",
            )
        ),
        ("zone", ctypes.c_void_p),
    ]


@cache
def _libical() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("ical") or "libical.so.3"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    pointer = ctypes.c_void_p
    signatures: dict[str, tuple[Any, list[Any]]] = {
        "icalparser_parse_string": (pointer, [ctypes.c_char_p]),
        "icalrestriction_check": (ctypes.c_int, [pointer]),
        "icalcomponent_count_errors": (ctypes.c_int, [pointer]),
        "icalcomponent_as_ical_string": (ctypes.c_char_p, [pointer]),
        "icalcomponent_isa": (ctypes.c_int, [pointer]),
        "icalcomponent_string_to_kind": (ctypes.c_int, [ctypes.c_char_p]),
        "icalcomponent_get_first_component": (pointer, [pointer, ctypes.c_int]),
        "icalcomponent_get_next_component": (pointer, [pointer, ctypes.c_int]),
        "icalcomponent_get_uid": (ctypes.c_char_p, [pointer]),
        "icalcomponent_get_dtstart": (_Time, [pointer]),
        "icalcomponent_get_dtend": (_Time, [pointer]),
        "icaltime_as_timet_with_zone": (ctypes.c_longlong, [_Time, pointer]),
        "icaltimezone_get_tzid": (ctypes.c_char_p, [pointer]),
        "icalcomponent_free": (None, [pointer]),
    }
    for function, (result, arguments) in signatures.items():
        getattr(lib, function).restype = result
        getattr(lib, function).argtypes = arguments
    return lib


def require_libical() -> ctypes.CDLL:
    lib = _libical()
    if lib is None:
        missing("libical", "apt-get install libical3")
    assert lib is not None
    return lib


@dataclass(frozen=True)
class LibicalEvent:
    """A VEVENT as libical reads it: its start and end as instants, its zone."""

    uid: str
    all_day: bool
    start: dt.datetime | dt.date | None
    end: dt.datetime | dt.date | None
    """libical's end: DTEND, else the start (RFC 5545 §3.6.1)."""
    tzid: str | None


@dataclass(frozen=True)
class LibicalResult:
    problems: list[str]
    """libical's ``X-LIC-ERROR`` lines: parse errors and failed restrictions."""
    events: list[LibicalEvent]


def _unfold(text: str) -> list[str]:
    lines: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith((" ", "\t")) and lines:
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def _moment(lib: ctypes.CDLL, value: _Time) -> dt.datetime | dt.date | None:
    """The instant (UTC) or day libical reads; ``None`` when it reads no valid time."""
    try:
        day = dt.date(value.year, value.month, value.day)
    except ValueError:
        return None
    if value.is_date:
        return day
    seconds = lib.icaltime_as_timet_with_zone(value, value.zone)
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def libical_check(data: bytes) -> LibicalResult:
    """Parse ``data`` with libical and run its restriction check (RFC 5545, and
    RFC 5546 for the ``METHOD`` the file declares)."""
    lib = require_libical()
    root = lib.icalparser_parse_string(data)
    assert root, "libical could not parse the file at all"
    try:
        lib.icalrestriction_check(root)
        text = lib.icalcomponent_as_ical_string(root).decode("utf-8")
        problems = [line for line in _unfold(text) if line.startswith("X-LIC-ERROR")]
        vevent = lib.icalcomponent_string_to_kind(b"VEVENT")
        events = []
        component = lib.icalcomponent_get_first_component(root, vevent)
        while component:
            start = lib.icalcomponent_get_dtstart(component)
            end = lib.icalcomponent_get_dtend(component)
            zone = lib.icaltimezone_get_tzid(start.zone) if start.zone else None
            events.append(
                LibicalEvent(
                    uid=lib.icalcomponent_get_uid(component).decode("utf-8"),
                    all_day=bool(start.is_date),
                    start=_moment(lib, start),
                    end=_moment(lib, end),
                    tzid=zone.decode("ascii") if zone else None,
                )
            )
            component = lib.icalcomponent_get_next_component(root, vevent)
        return LibicalResult(problems, events)
    finally:
        lib.icalcomponent_free(root)


# --------------------------------------------------------------------------- JSON Schema


def format_checker() -> Any:
    """jsonschema's format checker, refusing to run without the checkers it needs."""
    from jsonschema import FormatChecker

    checker = FormatChecker()
    needed = {"uri", "email", "uuid", "date", "date-time"}
    absent = needed - set(checker.checkers)
    assert not absent, f"jsonschema cannot check {absent}: install jsonschema[format-nongpl]"
    return checker


HSDS = Path(__file__).parent / "fixtures" / "hsds" / "3.0"


def _closed(schema: Any) -> Any:
    """``schema`` with ``additionalProperties: false`` on every object schema that
    lists its properties, as ``compiletojsonschema
    --set-additional-properties-false-everywhere`` makes it."""
    if isinstance(schema, dict):
        closed = {key: _closed(value) for key, value in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            closed["additionalProperties"] = False
        return closed
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    return schema


@cache
def hsds_validator(name: str = "organization", *, closed: bool = True) -> Any:
    """A validator for the official HSDS 3.0 schema ``name`` (see fixtures/hsds/README.md)."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    def load(path: Path) -> Any:
        schema = json.loads(path.read_text(encoding="utf-8"))
        return _closed(schema) if closed else schema

    registry: Registry[Any] = Registry().with_resources(
        (path.name, Resource.from_contents(load(path), default_specification=DRAFT202012))
        for path in HSDS.glob("*.json")
    )
    schema = load(HSDS / f"{name}.json")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry, format_checker=format_checker())


def hsds_errors(document: Any, name: str = "organization") -> list[str]:
    """Every complaint of both validators (as published, and closed) about ``document``."""
    found = []
    for closed in (False, True):
        for error in hsds_validator(name, closed=closed).iter_errors(document):
            where = "/".join(str(part) for part in error.absolute_path)
            found.append(f"{'closed' if closed else 'official'} {where}: {error.message}")
    return sorted(found)


# --------------------------------------------------------------------------- Chromium

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright (for a module-scoped fixture)."""
    if not Path(CHROMIUM).is_file() and shutil.which("chromium") is None:
        missing("chromium", f"{CHROMIUM} missing; apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright", "pip install -e '.[test]'")
    try:
        manager = sync_playwright().start()
    except Exception as exc:  # the bundled node driver may be missing or broken
        pytest.skip(f"playwright's driver cannot start: {exc}")
    try:
        instance = manager.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    except Exception as exc:
        manager.stop()
        pytest.skip(f"chromium cannot start: {str(exc).splitlines()[0]}")
    try:
        yield instance
    finally:
        instance.close()
        manager.stop()


# --------------------------------------------------------------------------- axe-core

REPO = Path(__file__).resolve().parent.parent
AXE_VERSION = "4.14.1"
"""The axe-core release ``tools/install-validators`` installs (npm)."""
AXE_SCRIPT = REPO / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"


def axe_source() -> str:
    """The source of axe-core (``$MOKOORD_AXE_JS``, else where ``tools/install-validators`` puts it)."""
    path = Path(os.environ.get("MOKOORD_AXE_JS") or AXE_SCRIPT)
    if not path.is_file():
        missing("axe-core", f"no {path}; run tools/install-validators")
    return path.read_text(encoding="utf-8")


AXE_RUN = """async () => {
  const rules = Object.fromEntries(axe.getRules().map((rule) => [rule.ruleId, {enabled: true}]));
  const result = await axe.run(document, {resultTypes: ["violations"], rules});
  return {
    version: axe.version,
    violations: result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary),
    })),
  };
}"""
"""Every rule axe-core has (WCAG 2.0-2.2 A/AA/AAA, best practices, experimental)."""


def axe_violations(page: Any, source: str) -> list[dict[str, Any]]:
    """Inject axe-core into ``page`` (opened with ``bypass_csp=True``) and run every rule."""
    page.evaluate(source)
    result = page.evaluate(AXE_RUN)
    assert result["version"] == AXE_VERSION, result["version"]
    violations: list[dict[str, Any]] = result["violations"]
    return violations


@dataclass
class OfflinePage:
    """A page opened offline from a file: what it complained of and what it asked for."""

    context: Any
    page: Any
    problems: list[str]
    """Console errors and warnings, and uncaught page errors."""
    requests: list[str]
    """Every URL the page requested (anything but the file itself is refused)."""


def open_offline(browser: Any, page_file: Path, viewport: dict[str, int]) -> OfflinePage:
    """``page_file`` opened in a new offline browser context, every other request refused."""
    url = page_file.resolve().as_uri()
    context = browser.new_context(viewport=viewport, offline=True)
    page = context.new_page()
    opened = OfflinePage(context, page, [], [])
    page.on(
        "console",
        lambda msg: (
            opened.problems.append(f"console {msg.type}: {msg.text}")
            if msg.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda exc: opened.problems.append(f"page error: {exc}"))

    def route(route: Any) -> None:
        opened.requests.append(route.request.url)
        if route.request.url == url:
            route.continue_()
        else:
            route.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="load")
    return opened


def axe_at_widths(browser: Any, url: str, widths: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """axe-core's violations in the page at ``url``, opened offline at each width
    (only the widths with any)."""
    source = axe_source()
    found: dict[int, list[dict[str, Any]]] = {}
    for width in widths:
        context = browser.new_context(
            viewport={"width": width, "height": 900}, offline=True, bypass_csp=True
        )
        try:
            page = context.new_page()
            page.goto(url, wait_until="load")
            violations = axe_violations(page, source)
        finally:
            context.close()
        if violations:
            found[width] = violations
    return found


# --------------------------------------------------------------------------- the Nu Html Checker

VNU_VERSION = "26.9.27"
"""The release of the Nu Html Checker (the W3C's HTML validator) that
``tools/install-validators`` installs (npm's ``vnu-jar``)."""
VNU_JAR = REPO / ".cache" / "npm" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_problems(*documents: Path) -> list[str]:
    """Every error and warning of the Nu Html Checker (the W3C validator) about the
    HTML ``documents``, as ``file:line:column: message``; informational notes left out."""
    jar = Path(os.environ.get("MOKOORD_VNU_JAR") or VNU_JAR)
    if not jar.is_file():
        missing("the Nu Html Checker", f"no {jar}; run tools/install-validators")
    java = shutil.which("java")
    if java is None:
        missing("java", "apt-get install default-jre-headless")
    assert java is not None
    version = subprocess.run(
        [java, "-jar", str(jar), "--version"], capture_output=True, text=True, check=False
    ).stdout.split()
    assert version[:1] == [VNU_VERSION], version
    result = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", "--stdout", "--asciiquotes", "--html"]
        + [str(document) for document in documents],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    found = []
    for message in report["messages"]:
        if message["type"] == "info" and message.get("subType") != "warning":
            continue
        where = Path(message.get("url", "")).name
        found.append(
            f"{where}:{message.get('lastLine', 0)}:{message.get('firstColumn', 0)}: "
            f"{message['type']}/{message.get('subType', '')}: {message['message']}"
        )
    return found


# --------------------------------------------------------------------------- mokoord's JSON


@cache
def _mokoord_validator(kind: str) -> Any:
    from jsonschema import Draft202012Validator

    from mokoord.schemas import schema

    loaded = schema(kind)
    Draft202012Validator.check_schema(loaded)
    return Draft202012Validator(loaded, format_checker=format_checker())


def schema_errors(kind: str, document: Any) -> list[str]:
    """What the shipped schema of ``kind`` (mokoord/schemas) says against ``document``."""
    errors = _mokoord_validator(kind).iter_errors(document)
    return sorted(
        f"{'/'.join(str(part) for part in error.absolute_path)}: {error.message}"
        for error in errors
    )
