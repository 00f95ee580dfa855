"""``mokoord edit`` cannot run away (issue 12, section 6).

Scripted editors stand in for a person: each records the copy it was given
(path and text) in a log, so the tests see how often the editor opened, what
it showed, and whether the copy was removed afterwards.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Cli, git_log, git_status
from mokoord.store import Store

ORG = "elternverein-biebrich"
ORIGINAL = (
    f"id: {ORG}\nname: Elternverein Biebrich e.V.\nstatus: known\n"
    "district: biebrich\nfields: [education]\n"
)


@pytest.fixture
def org_file(store: Store) -> Path:
    path = store.root / "organisations" / f"{ORG}.yaml"
    path.write_text(ORIGINAL, encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=store.root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "add"], cwd=store.root, check=True)
    return path


def _editor(tmp_path: Path, body: str) -> tuple[str, Path]:
    """An editor command running ``body`` with ``f`` (the copy) and ``text`` (its content);
    every opening is logged as a JSON line {path, text}."""
    log = tmp_path / "openings.jsonl"
    script = tmp_path / "editor.py"
    script.write_text(
        "import json, pathlib, sys, time\n"
        "f = pathlib.Path(sys.argv[1]); text = f.read_text(encoding='utf-8')\n"
        f"with open({str(log)!r}, 'a', encoding='utf-8') as out:\n"
        "    out.write(json.dumps({'path': str(f), 'text': text}) + '\\n')\n" + body,
        encoding="utf-8",
    )
    return f"{sys.executable} {script}", log


def _openings(log: Path) -> list[dict[str, str]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def _assert_untouched(store: Store, path: Path, log_before: str) -> None:
    assert path.read_text(encoding="utf-8") == ORIGINAL
    assert git_log(store.root, "--format=%H") == log_before
    assert git_status(store.root) == ""


BREAK = "f.write_text(text.replace('status: known', 'status: kaputt'), encoding='utf-8')\n"


def test_without_a_terminal_a_broken_save_stops_after_a_few_rounds(
    cli: Cli, store: Store, org_file: Path, tmp_path: Path
) -> None:
    editor, log = _editor(tmp_path, BREAK)
    before = git_log(store.root, "--format=%H")
    result = cli("edit", ORG, env={"EDITOR": editor})
    assert result.exit_code == 1
    assert "still had problems after 3 rounds" in result.stderr
    assert f"organisations/{ORG}.yaml is unchanged" in result.stderr
    openings = _openings(log)
    assert len(openings) == 3
    _assert_untouched(store, org_file, before)
    for opening in openings:  # the copy went with its folder
        assert not Path(opening["path"]).parent.exists()


def test_at_a_terminal_the_person_chooses_to_discard(
    cli: Cli, store: Store, org_file: Path, tmp_path: Path
) -> None:
    editor, log = _editor(tmp_path, BREAK)
    before = git_log(store.root, "--format=%H")
    result = cli("edit", ORG, env={"EDITOR": editor, "MOKOORD_INTERACTIVE": "1"}, input="2\n")
    assert result.exit_code == 1
    assert "the saved file has 1 problem:" in result.stderr
    assert "re-open the editor" in result.stderr
    assert "changes discarded" in result.stderr
    assert len(_openings(log)) == 1
    _assert_untouched(store, org_file, before)


def test_at_a_terminal_the_person_reopens_and_repairs(
    cli: Cli, store: Store, org_file: Path, tmp_path: Path
) -> None:
    editor, log = _editor(
        tmp_path,
        "if 'status: kaputt' in text:\n"
        "    f.write_text(text.replace('status: kaputt', 'status: contacted'), encoding='utf-8')\n"
        "else:\n    " + BREAK,
    )
    result = cli("edit", ORG, env={"EDITOR": editor, "MOKOORD_INTERACTIVE": "1"}, input="\n")
    assert result.exit_code == 0, result.output
    openings = _openings(log)
    assert len(openings) == 2
    assert openings[1]["text"].startswith("# mokoord: there are problems")
    assert "status: contacted" in org_file.read_text(encoding="utf-8")
    assert "# mokoord" not in org_file.read_text(encoding="utf-8")
    assert git_log(store.root, "-1", "--format=%s").strip() == f"edit {ORG}"


def test_every_problem_of_a_save_is_listed_at_once(
    cli: Cli, store: Store, org_file: Path, tmp_path: Path
) -> None:
    editor, log = _editor(
        tmp_path,
        "if len(json.loads('[' + ','.join(open(sys.argv[0].replace('editor.py', "
        "'openings.jsonl')).read().splitlines()) + ']')) == 1:\n"
        "    f.write_text(text.replace('status: known', 'status: kaputt')"
        ".replace('district: biebrich', 'district: atlantis\\nfounded: long ago')"
        f".replace('id: {ORG}', 'id: anders'), encoding='utf-8')\n",
    )
    result = cli("edit", ORG, env={"EDITOR": editor})
    assert result.exit_code == 1  # the second opening quits without saving
    header = [
        line for line in _openings(log)[1]["text"].splitlines() if line.startswith("# mokoord:")
    ]
    problems = "\n".join(header)
    assert "the id must stay 'elternverein-biebrich'" in problems  # id
    assert "Status 'kaputt' is not allowed" in problems  # a value
    assert "founded" in problems  # a second value of the same layer
    assert "'atlantis' is not declared in vocabularies.districts" in problems  # a term
    # line numbers point into the copy the editor shows
    text = _openings(log)[1]["text"].splitlines()
    for line in header[1:]:
        number = int(line.split(":")[2])
        assert not text[number - 1].startswith("# mokoord:"), line


def test_the_copy_is_removed_when_the_editor_fails(
    cli: Cli, store: Store, org_file: Path, tmp_path: Path
) -> None:
    editor, log = _editor(tmp_path, "sys.exit(3)\n")
    result = cli("edit", ORG, env={"EDITOR": editor})
    assert result.exit_code == 1
    assert "the editor exited with status 3" in result.stderr
    assert not Path(_openings(log)[0]["path"]).parent.exists()


def test_a_copy_that_cannot_be_removed_is_named(
    cli: Cli, store: Store, org_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    import mokoord.editing

    monkeypatch.setattr(mokoord.editing.shutil, "rmtree", lambda *args, **kwargs: None)
    editor, log = _editor(tmp_path, "")
    result = cli("edit", ORG, env={"EDITOR": editor})
    folder = Path(_openings(log)[0]["path"]).parent
    try:
        assert result.exit_code == 1
        assert f"the edited copy is kept in {folder}" in result.stderr
    finally:
        monkeypatch.undo()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGTERM/SIGHUP on this system")
@pytest.mark.parametrize("signum", [signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)])
def test_a_signal_while_editing_removes_the_copy(
    store: Store, org_file: Path, tmp_path: Path, signum: int
) -> None:
    editor, log = _editor(tmp_path, "time.sleep(60)\n")
    before = git_log(store.root, "--format=%H")
    process = subprocess.Popen(
        [sys.executable, "-m", "mokoord", "--data", str(store.root), "edit", ORG],
        env={**os.environ, "EDITOR": editor},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not _openings(log) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _openings(log), "the editor never opened"
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    name = signal.Signals(signum).name
    assert process.returncode == 128 + signum, stderr
    assert f"stopped by {name}; organisations/{ORG}.yaml is unchanged" in stderr
    assert "Traceback" not in stderr
    assert not Path(_openings(log)[0]["path"]).parent.exists()
    _assert_untouched(store, org_file, before)
