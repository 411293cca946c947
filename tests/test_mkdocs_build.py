"""mkdocs on two cores: the session pages built by a second process give the same site."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from pathlib import Path

import pathspec
import pytest

from generator.pipeline import check
from generator.site import SiteError, generate, mkdocs_build
from generator.site.mkdocs_build import PART_FOLDER, plan_split, run_mkdocs

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-29"


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def build_folder(tmp_path_factory) -> Path:
    """The sample's build folder, with a site_url so that mkdocs lists pages in the sitemap."""
    tmp = tmp_path_factory.mktemp("split")
    result = check(ROOT / "records", dt.date.fromisoformat(AS_OF))
    generate(result, tmp / "build", site_url="https://zxz.example.edu.cn/site/")
    return tmp / "build"


def test_two_processes_build_the_site_one_process_builds(build_folder, tmp_path):
    run_mkdocs(build_folder, tmp_path / "one", split=False)
    run_mkdocs(build_folder, tmp_path / "two", split=True)
    one, two = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
    # what the merge had to get right: both halves in the index and the sitemap, in order
    index = json.loads(one["search/search_index.json"])
    pages = list(dict.fromkeys(e["location"].partition("#")[0] for e in index["docs"]))
    sessions = [p for p in pages if p.startswith("sessions/")]
    assert sessions and len(sessions) < len(pages)
    sitemap = gzip.decompress(two["sitemap.xml.gz"]).decode("utf-8")
    assert sitemap == two["sitemap.xml"].decode("utf-8")
    listed = re.findall(r"<loc>https://zxz\.example\.edu\.cn/site/([^<]*)</loc>", sitemap)
    assert set(listed) == {name for name in two if name.endswith(".html")} - {"404.html"}
    assert not (build_folder / PART_FOLDER).exists()


def _break_link(page: Path) -> None:
    page.write_text(page.read_text(encoding="utf-8") + "\n[断链](no-such-page.md)\n", "utf-8")


@pytest.mark.parametrize("where", ["sessions", "units"])
def test_strict_fails_for_a_broken_link_in_either_half(build_folder, tmp_path, where):
    """A page of either process with a link to nothing stops the build, and says which."""
    page = sorted((build_folder / "docs" / where).rglob("*.md"))[0]
    original = page.read_text(encoding="utf-8")
    try:
        _break_link(page)
        with pytest.raises(SiteError) as raised:
            run_mkdocs(build_folder, tmp_path / "site", split=True)
    finally:
        page.write_text(original, encoding="utf-8")
    assert "strict" in str(raised.value)
    named = page.relative_to(build_folder / "docs").as_posix()
    assert any(named in line and "no-such-page.md" in line for line in raised.value.lines)
    assert not (build_folder / PART_FOLDER).exists()


def test_an_unknown_plugin_means_one_process(build_folder, tmp_path, monkeypatch):
    """Only the output of the plugins merged here is known to merge: with another plugin
    in mkdocs.yml the build does not split."""
    config = build_folder / "mkdocs.yml"
    original = config.read_text(encoding="utf-8")

    def no_second_process(*args, **kwargs):
        raise AssertionError("started a second mkdocs process")

    monkeypatch.setattr(mkdocs_build.multiprocessing, "get_context", no_second_process)
    try:
        config.write_text(original.replace("plugins:\n", "plugins:\n- tags\n", 1), "utf-8")
        run_mkdocs(build_folder, tmp_path / "site", split=True)
    finally:
        config.write_text(original, encoding="utf-8")
    assert (tmp_path / "site" / "sessions").is_dir()
    with pytest.raises(AssertionError):  # and the spy does catch a split
        run_mkdocs(build_folder, tmp_path / "again", split=True)


def test_a_small_site_is_built_in_one_process(build_folder, tmp_path, monkeypatch):
    docs = build_folder / "docs"
    assert plan_split(docs) == []  # the sample: a second process would cost more than it saves

    def no_second_process(*args, **kwargs):
        raise AssertionError("started a second mkdocs process")

    monkeypatch.setattr(mkdocs_build.multiprocessing, "get_context", no_second_process)
    run_mkdocs(build_folder, tmp_path / "site")
    monkeypatch.setattr(mkdocs_build, "SPLIT_FROM_SECONDS", 0.0)
    with pytest.raises(AssertionError):
        run_mkdocs(build_folder, tmp_path / "again")


def _page(path: Path, kilobytes: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x" * 1024 * kilobytes, encoding="utf-8")


def test_the_second_process_gets_half_of_the_work_in_whole_folders(tmp_path):
    """Sessions first, a unit's folder at a time, until about half of the estimated work
    (less the second process's start) is taken; the rest stays here."""
    docs = tmp_path / "docs"
    for unit in range(10):
        for n in range(40):
            _page(docs / "sessions" / f"u{unit}" / f"{n}.md", 4)
        for n in range(10):
            _page(docs / "audits" / f"u{unit}" / f"{n}.md", 4)
    for n in range(200):
        _page(docs / "stats" / f"{n}.md", 30)
    page = mkdocs_build.PAGE_SECONDS + 4 * mkdocs_build.KB_SECONDS
    stats = 200 * (mkdocs_build.PAGE_SECONDS + 30 * mkdocs_build.KB_SECONDS)
    total = 500 * page + stats
    assert total > mkdocs_build.SPLIT_FROM_SECONDS
    chosen = plan_split(docs)
    taken = sum(40 * page if f.startswith("sessions/") else 10 * page for f in chosen)
    target = (total - mkdocs_build.START_SECONDS) / 2
    assert abs(taken - target) <= 40 * page / 2
    in_order = [f"sessions/u{n}" for n in range(10)] + [f"audits/u{n}" for n in range(10)]
    assert chosen == in_order[: len(chosen)] and "audits/u0" in chosen
    # the patterns: the second process builds exactly the chosen folders
    spec = pathspec.GitIgnoreSpec.from_lines(mkdocs_build._only(chosen).splitlines())
    built = [p.relative_to(docs).as_posix() for p in docs.rglob("*.md")]
    theirs = {p for p in built if not spec.match_file(p)}
    assert theirs == {p for p in built if p.rpartition("/")[0] in chosen}


def test_a_configuration_mkdocs_refuses_is_reported_not_raised_raw(build_folder, tmp_path):
    config = build_folder / "mkdocs.yml"
    original = config.read_text(encoding="utf-8")
    try:
        config.write_text(original + "use_directory_urls: 已开启\n", encoding="utf-8")
        with pytest.raises(SiteError) as raised:
            run_mkdocs(build_folder, tmp_path / "site", split=True)
    finally:
        config.write_text(original, encoding="utf-8")
    assert "use_directory_urls" in str(raised.value) + "".join(raised.value.lines)


def test_a_second_process_started_early_builds_the_same_site(build_folder, tmp_path):
    """The build starts the second process before the pages exist (it loads mkdocs and
    jieba meanwhile) and hands it its folders later: the same bytes as one process."""
    part = mkdocs_build.PartProcess()
    run_mkdocs(build_folder, tmp_path / "early", split=True, part=part)
    assert not part._process.is_alive()
    run_mkdocs(build_folder, tmp_path / "one", split=False)
    early, one = _files(tmp_path / "early"), _files(tmp_path / "one")
    assert sorted(early) == sorted(one)
    assert [name for name in one if one[name] != early[name]] == []


def test_an_early_second_process_is_let_go_or_stopped(build_folder, tmp_path, monkeypatch):
    records = tmp_path / "records"
    for number in range(3):
        (records / "sessions" / "u1").mkdir(parents=True, exist_ok=True)
        (records / "sessions" / "u1" / f"2026-0{number + 1}-10.yaml").write_text("x: 1\n")
    monkeypatch.setattr(mkdocs_build, "EARLY_FROM_SESSIONS", 4)
    assert mkdocs_build.early_part(records) is None  # a small college: none
    assert mkdocs_build.early_part(tmp_path / "missing") is None
    monkeypatch.setattr(mkdocs_build, "EARLY_FROM_SESSIONS", 3)
    waiting = mkdocs_build.early_part(records)
    assert waiting is not None and waiting._process.is_alive()
    waiting.close()  # not needed (one process, or the build failed first): it leaves
    assert waiting._process.exitcode == 0
    # told to build, then this process fails first: it is stopped, not waited for
    building = mkdocs_build.PartProcess()
    building.build(build_folder, tmp_path / "part", mkdocs_build._only(["sessions"]))
    building.close()
    assert not building._process.is_alive()
    building.close()  # twice is harmless (the build and the command both close it)
    # and a site is still built with one given to a small site (it is let go)
    run_mkdocs(build_folder, tmp_path / "site", split=False, part=mkdocs_build.PartProcess())
    assert (tmp_path / "site" / "index.html").is_file()
