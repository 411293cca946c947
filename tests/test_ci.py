"""A fresh machine gets what the tests need (.ci/system-packages, run by .ci/run and make setup).

CI on a fresh Debian with Chromium failed the screenshot test: no CJK font, so Chinese
rendered as boxes. The script is run here on a PATH of stand-ins for `id`, `fc-list`,
`apt-get` and `chromium`, so every case (root or not, something missing or not) is
tried without touching this machine.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from support import unavailable

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / ".ci" / "system-packages"
BASH = shutil.which("bash") or "/bin/bash"


def machine(tmp: Path, *, uid: int, chromium: bool, font: bool, apt: bool) -> Path:
    """A bin folder standing in for the system; apt-get "installs" by creating stand-ins."""
    bin_ = tmp / "bin"
    bin_.mkdir()
    log = tmp / "apt.log"

    def tool(name: str, body: str) -> None:
        (bin_ / name).write_text(f"#!{BASH}\n{body}\n", encoding="utf-8")
        (bin_ / name).chmod(0o755)

    tool("id", f"echo {uid}")
    tool("fc-list", f'[ -e "{tmp}/font" ] && echo "NotoSansCJK.ttc: Noto Sans CJK SC"; true')
    if font:
        (tmp / "font").touch()
    if chromium:
        tool("chromium", "true")
    if apt:
        # the stand-ins run on the stand-in PATH too: bash builtins and absolute paths only
        chmod = shutil.which("chmod")
        stub = f"printf '#!{BASH}\\ntrue\\n' > {bin_}/chromium; {chmod} +x {bin_}/chromium"
        tool(
            "apt-get",
            f'echo "$*" >> {log}\n'
            f'case " $* " in *" chromium "*) {stub};; esac\n'
            f'case " $* " in *" fonts-noto-cjk "*) : > {tmp}/font;; esac',
        )
    return bin_


def run(bin_: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BASH, str(SCRIPT), *args],
        env={"PATH": str(bin_), "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def apt_calls(tmp: Path) -> list[str]:
    log = tmp / "apt.log"
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_a_fresh_machine_gets_chromium_and_a_cjk_font(tmp_path):
    bin_ = machine(tmp_path, uid=0, chromium=False, font=False, apt=True)
    done = run(bin_, "--required")
    assert done.returncode == 0, done.stderr
    assert apt_calls(tmp_path) == ["update", "install -y chromium fonts-noto-cjk"]


def test_only_what_is_missing_is_installed(tmp_path):
    bin_ = machine(tmp_path, uid=0, chromium=True, font=False, apt=True)
    assert run(bin_, "--required").returncode == 0
    assert apt_calls(tmp_path) == ["update", "install -y fonts-noto-cjk"]


def test_nothing_is_installed_when_nothing_is_missing(tmp_path):
    bin_ = machine(tmp_path, uid=0, chromium=True, font=True, apt=True)
    done = run(bin_, "--required")
    assert done.returncode == 0 and done.stderr == ""
    assert apt_calls(tmp_path) == []


def test_without_root_make_setup_gives_a_hint_and_ci_stops(tmp_path):
    bin_ = machine(tmp_path, uid=1000, chromium=False, font=False, apt=True)
    hint = run(bin_)  # make setup: the Python setup goes on
    assert hint.returncode == 0
    assert "apt-get install -y chromium fonts-noto-cjk" in hint.stderr and "root" in hint.stderr
    ci = run(bin_, "--required")
    assert ci.returncode == 1 and "错误" in ci.stderr and "fonts-noto-cjk" in ci.stderr
    assert apt_calls(tmp_path) == []


def test_without_apt_get_it_says_what_is_missing(tmp_path):
    bin_ = machine(tmp_path, uid=0, chromium=True, font=False, apt=False)
    done = run(bin_, "--required")
    assert done.returncode == 1 and "fonts-noto-cjk" in done.stderr


def test_ci_and_make_setup_use_it():
    assert ".ci/system-packages --required" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "setup: system-packages $(STAMP)" in makefile
    assert "\t@.ci/system-packages\n" in makefile


def test_this_machine_has_a_cjk_font():
    """The screenshots and print views need one; CI fails here, clearly, without it."""
    fc_list = shutil.which("fc-list")
    fonts = (
        subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True) if fc_list else None
    )
    if fonts is None or not fonts.stdout.strip():
        unavailable("no CJK font (fc-list :lang=zh is empty): .ci/system-packages installs one")


@pytest.mark.parametrize("path", [".ci/run", ".ci/system-packages"])
def test_the_scripts_are_executable(path):
    assert (ROOT / path).stat().st_mode & 0o111
