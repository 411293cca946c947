"""The workflows, linted by actionlint and held to the issue's rules; the pre-commit hooks."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.yamlio import parse

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def load(name: str) -> dict:
    document = parse((ROOT / ".github" / "workflows" / name).read_bytes())
    assert not document.problems, document.problems
    assert isinstance(document.data, dict)
    return document.data


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def runs(workflow: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow))


def uses(workflow: dict) -> list[str]:
    return [step["uses"] for step in steps(workflow) if "uses" in step]


def test_the_three_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} >= {"check.yml", "publish.yml", "overdue.yml"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_passes(workflow: Path) -> None:
    actionlint = shutil.which("actionlint", path=str(BIN)) or shutil.which("actionlint")
    assert actionlint, "actionlint is pinned in requirements-dev.txt: run make setup"
    done = subprocess.run(
        [actionlint, "-no-color", str(workflow)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_really_runs() -> None:
    """The linter is not a no-op: a workflow with an injected expression fails."""
    actionlint = shutil.which("actionlint", path=str(BIN)) or shutil.which("actionlint")
    assert actionlint
    bad = (
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n'
    )
    done = subprocess.run(
        [actionlint, "-no-color", "-"], input=bad, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 1 and "untrusted" in done.stdout


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_in_any_run_script(workflow: Path) -> None:
    data = load(workflow.name)
    for step in steps(data):
        assert "${{" not in step.get("run", ""), step
    triggers = data["on"] if isinstance(data["on"], (dict, list)) else [data["on"]]
    assert "pull_request_target" not in triggers


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_portable_to_gitea(workflow: Path) -> None:
    """Only actions/* at a major tag, no `gh` CLI, Python 3.11 with a pip cache."""
    data = load(workflow.name)
    for action in uses(data):
        assert re.fullmatch(r"actions/[a-z-]+@v\d+", action), action
    assert not re.search(r"(^|\s)gh\s", runs(data))
    setup = [s for s in steps(data) if s.get("uses", "").startswith("actions/setup-python@")]
    assert setup and all(
        s["with"]["python-version"] == "3.11" and s["with"]["cache"] == "pip" for s in setup
    )


def test_check_workflow() -> None:
    data = load("check.yml")
    assert "pull_request" in data["on"]
    assert data["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in data["jobs"].values())
    checkout = next(s for s in steps(data) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0, "history needs the whole history"
    text = runs(data)
    assert "python -m generator check --format github" in text
    assert 'python -m generator history --base "$BASE_SHA" --format github' in text
    assert "--fail-on" not in text, "fails on errors only"
    history = next(s for s in steps(data) if "generator history" in s.get("run", ""))
    assert history["env"]["BASE_SHA"] == (
        "${{ github.event.pull_request.base.sha || github.event.before }}"
    )
    assert "cancelled()" in history["if"], "history runs even when check found errors"


def test_history_runs_on_every_push_to_main() -> None:
    """A merge that slipped past the pull request's check (main moved after it ran)
    fails loudly on main: history against main as it was before the push."""
    data = load("check.yml")
    assert data["on"]["push"] == {"branches": ["main"]}
    history = next(s for s in steps(data) if "generator history" in s.get("run", ""))
    assert "github.event_name == 'pull_request'" not in history["if"]
    assert "github.event.before" in history["env"]["BASE_SHA"]
    assert (
        data["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    ), "a push's run is never cancelled by the next push: each range is checked once"


def test_publish_workflow() -> None:
    data = load("publish.yml")
    assert data["on"]["push"]["branches"] == ["main"]
    assert data["permissions"] == {"contents": "read"}
    jobs = data["jobs"]
    with_pages = {name for name, job in jobs.items() if "permissions" in job}
    assert with_pages == {"deploy"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert "python -m generator build" in runs({"jobs": {"b": jobs["build"]}})
    build_uses = uses({"jobs": {"b": jobs["build"]}})
    assert any(u.startswith("actions/upload-pages-artifact@") for u in build_uses)
    assert any(u.startswith("actions/configure-pages@") for u in build_uses)
    assert [s["uses"].split("@")[0] for s in jobs["deploy"]["steps"]] == ["actions/deploy-pages"]
    assert jobs["deploy"]["needs"] == "build"
    # Pages exists only on GitHub: every Pages step is guarded, so Gitea builds and skips it.
    pages_steps = [s for s in jobs["build"]["steps"] if "pages" in s.get("uses", "")]
    assert len(pages_steps) == 2
    for step in [*pages_steps, jobs["deploy"]]:
        assert "github.server_url == 'https://github.com'" in step["if"]


def test_overdue_workflow() -> None:
    data = load("overdue.yml")
    assert "workflow_dispatch" in data["on"]
    (cron,) = [entry["cron"] for entry in data["on"]["schedule"]]
    minute, hour, *rest = cron.split()
    assert rest == ["*", "*", "*"], "daily"
    beijing = (int(hour) + 8) % 24
    assert 6 <= beijing <= 9, f"{cron} UTC is {beijing}:{minute} in Beijing: not a morning"
    writes = {k for k, v in data["permissions"].items() if v == "write"}
    assert writes == {"issues"}
    assert set(data["permissions"]) <= {"issues", "contents"}
    text = runs(data)
    assert "python -m generator overdue --update-issue" in text
    step = next(s for s in steps(data) if "--update-issue" in s.get("run", ""))
    assert step["env"] == {"GITHUB_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}


# ---------------------------------------------------------------- pre-commit


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def test_hooks_manifest_is_valid() -> None:
    pre_commit = BIN / "pre-commit"
    assert pre_commit.exists(), "pre-commit is pinned in requirements-dev.txt"
    done = subprocess.run(
        [str(pre_commit), "validate-manifest", ".pre-commit-hooks.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = parse((ROOT / ".pre-commit-hooks.yaml").read_bytes()).data
    check = next(h for h in manifest if h["id"] == "zxz-check")
    assert check["entry"] == "python -m generator check"
    # the files of the commit are passed: check judges all records, reports on those
    assert check["files"] == "^records/" and check["pass_filenames"] is True


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_pre_commit_runs_check_on_changed_records(tmp_path: Path) -> None:
    """`pre-commit try-repo` with this repository's hooks, in a throwaway records repository:
    a broken record is refused, a good one passes, and unrelated files do not run it."""
    hooks = tmp_path / "hooks"  # this repository's manifest, as a hook repository
    hooks.mkdir()
    shutil.copy(ROOT / ".pre-commit-hooks.yaml", hooks)
    _git(hooks, "init", "-q", "-b", "main")
    _git(hooks, "add", ".")
    _git(hooks, "-c", "user.name=t", "-c", "user.email=t@e.invalid", "commit", "-q", "-m", "hooks")

    work = tmp_path / "work"
    shutil.copytree(ROOT / "records", work / "records")
    (work / "notes.txt").write_text("x\n", encoding="utf-8")
    _git(work, "init", "-q", "-b", "main")
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(ROOT),  # `python -m generator` from this checkout
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        _git(work, "add", "-A")
        return subprocess.run(
            [str(BIN / "pre-commit"), "try-repo", str(hooks), "zxz-check", "--files", *files],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
        )

    good = try_repo("records/sessions/kjxy/2026-10-12.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout

    target = work / "records" / "sessions" / "kjxy" / "2026-10-12.yaml"
    target.write_text(
        target.read_text(encoding="utf-8").replace("members: 15", "members: 15\nmembers: 16"),
        encoding="utf-8",
    )
    bad = try_repo("records/sessions/kjxy/2026-10-12.yaml")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "字段重复" in bad.stdout and "Failed" in bad.stdout

    skipped = try_repo("notes.txt")
    assert skipped.returncode == 0 and "no files to check" in skipped.stdout.lower()
