"""The site stage: CheckResult → generated Markdown in a build folder → mkdocs build --strict.

Nothing here prints: progress goes to a callback, problems are raised as
`SiteError`, and cli.py decides what the user sees.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from generator.exports import FULL, BackgroundExports, Privacy, masked, write_exports
from generator.exports.circulars import Circulars
from generator.findings import Finding, Severity
from generator.pipeline import CheckResult
from generator.site.assistant import write_assistant_files
from generator.site.errors import SiteError
from generator.site.mkdocs_build import PartProcess, run_mkdocs
from generator.site.render import Options, PageJob, PageRenderer, nav
from generator.site.search import FILE as SEARCH_DICTIONARY
from generator.site.search import search_settings, write_dictionary
from generator.site.view import SiteData, build_data
from generator.sitedir import (
    BUILD_HEADER,
    UnsafeFolder,
    check_build_dir,
    check_site_dir,
    mark_site_dir,
)
from generator.yamlio import parse

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = ROOT / "mkdocs.yml"
DEFAULT_DOCS = ROOT / "docs"
# docs/ is the site's hand-written pages, in Chinese for its readers; these are not
DEVELOPER_DOCS = ("dev.md",)
Progress = Callable[[str, int, int], None]


class RecordErrors(SiteError):
    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(
            f"记录中有 {len(findings)} 个错误，站点未生成。请先按说明改正：",
            [
                f"{f.file or '（整体）'}{f'，第 {f.line} 行' if f.line else ''}：{f.message}（{f.rule}）"
                for f in findings
            ],
        )
        self.findings = findings


@dataclass(slots=True)
class BuildReport:
    pages: int = 0
    build_dir: Path | None = None
    site_dir: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)


def load_settings(config: Path) -> dict[str, Any]:
    """mkdocs.yml as plain data, read with the project's one YAML loader (yamlio)."""
    try:
        raw = config.read_bytes()
    except OSError as err:
        raise SiteError(f"无法读取 mkdocs 配置 {config}：{err.strerror}") from err
    document = parse(raw)
    if document.problems:
        raise SiteError(
            f"mkdocs 配置 {config} 有 {len(document.problems)} 处问题：",
            [
                f"{config}{f'，第 {p.line} 行' if p.line else ''}：{p.message}"
                for p in document.problems
            ],
        )
    if not isinstance(document.data, dict):
        raise SiteError(f"{config} 不是有效的 mkdocs 配置。")
    return document.data


def show_phone_setting(settings: dict[str, Any]) -> bool:
    extra = settings.get("extra") or {}
    return bool(extra.get("show_phone", False))


def page_urls(settings: dict[str, Any], data: SiteData) -> dict[str, str] | None:
    """Each session's page as an absolute address, when mkdocs.yml says where the site
    lives (`site_url`): the calendars link their events to it."""
    site_url = settings.get("site_url")
    if not isinstance(site_url, str) or not site_url.startswith(("http://", "https://")):
        return None
    base = site_url.rstrip("/") + "/"
    directory_urls = settings.get("use_directory_urls", True) is not False
    return {
        view.session.path: base
        + view.page.removesuffix(".md")
        + ("/" if directory_urls else ".html")
        for view in data.sessions
    }


def generate(
    result: CheckResult,
    build_dir: Path,
    *,
    config: Path = DEFAULT_CONFIG,
    docs: Path = DEFAULT_DOCS,
    show_phone: bool | None = None,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
    now: dt.datetime | None = None,
    site_url: str | None = None,
) -> int:
    """Write the build folder: hand-written docs/ copied, generated pages beside them,
    the exports they link (docs/exports/, phone numbers masked unless show_phone), and
    a mkdocs.yml of its own (docs_dir: docs, nav for the overview pages only).
    Returns the number of generated pages; `timings` gets the seconds of "exports".
    `now` (the build's clock) decides whether today's sessions have begun; `site_url`
    overrides mkdocs.yml's (the calendars link their events to the pages with it)."""
    pages, exports, circulars = _prepare(
        result, build_dir, config, docs, show_phone, progress, timings, now, site_url, False
    )
    circulars.close()
    assert exports is None
    return pages


def _prepare(
    result: CheckResult,
    build_dir: Path,
    config: Path,
    docs: Path,
    show_phone: bool | None,
    progress: Progress | None,
    timings: dict[str, float] | None,
    now: dt.datetime | None,
    site_url: str | None,
    background: bool,
) -> tuple[int, BackgroundExports | None, Circulars]:
    """`generate`; with `background`, the exports are still being written by a second
    process when this returns (finish them with the returned `BackgroundExports`), and
    the 通报 still being drawn: close the returned `Circulars` when done."""
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    if errors:
        raise RecordErrors(errors)
    try:
        check_build_dir(build_dir, _protected(result, docs))
    except UnsafeFolder as err:
        raise SiteError(str(err)) from err
    settings = load_settings(config)
    if site_url:
        if not site_url.startswith(("http://", "https://")):
            raise SiteError(f"站点地址「{site_url}」应以 https:// 开头。")
        settings = {**settings, "site_url": site_url}
    if show_phone is None:
        show_phone = show_phone_setting(settings)
    data = build_data(result, now)
    privacy = FULL if show_phone else masked()
    docs_out = _fresh_docs(build_dir, docs)
    renderer = PageRenderer(data, Options(show_phone=show_phone))
    pages = Pages(*renderer.jobs())
    clash = sorted(path for path, _, _ in pages.rest + pages.stats if (docs_out / path).exists())
    if clash:
        raise SiteError("生成的页面与手写页面同名：" + "、".join(clash))
    exports = None
    if background:  # forked before the chart worker starts its threads
        renderer.compile(pages.rest + pages.stats)  # once, for both processes
        started = time.perf_counter()
        # the worker renders every other page, then writes the exports while mkdocs runs
        theirs, pages.mine = pages.rest[1::2], pages.rest[0::2]
        exports = BackgroundExports(result, docs_out, page_urls(settings, data), privacy,
                                    partial(_render_into, renderer, theirs, docs_out))  # fmt: skip
        if timings is not None:
            timings["exports"] = time.perf_counter() - started
    # the charts and the 通报 of each semester, drawn (in a second process when there are
    # many) while the other pages and exports are written; the caller closes it, which
    # stops the worker
    circulars = Circulars(data.all_figures(), privacy)
    data.circulars = circulars
    try:
        count = _generate(result, build_dir, renderer, pages, settings, privacy,
                          progress, timings, exports)  # fmt: skip
    except BaseException:
        circulars.close()
        if exports is not None:
            exports.stop()
        raise
    return count, exports, circulars


@dataclass(slots=True)
class Pages:
    """The generated pages, as jobs: the 督查统计 pages come last (their charts are drawn
    meanwhile); `mine`, the share of the rest this process renders (all without a worker)."""

    rest: list[PageJob]
    stats: list[PageJob]
    mine: list[PageJob] | None = None


def _render_into(renderer: PageRenderer, jobs: list[PageJob], docs_out: Path) -> None:
    _write_pages(docs_out, renderer.render(jobs))


def _fresh_docs(build_dir: Path, docs: Path) -> Path:
    """build/docs emptied and filled with a copy of the hand-written docs/."""
    docs_out = build_dir / "docs"
    if docs_out.resolve() == docs.resolve() or docs.resolve() in docs_out.resolve().parents:
        raise SiteError("构建目录不能放在手写的 docs/ 里。")
    if docs_out.exists():
        shutil.rmtree(docs_out)
    build_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(docs, docs_out, ignore=shutil.ignore_patterns(*DEVELOPER_DOCS))
    return docs_out


def _generate(
    result: CheckResult,
    build_dir: Path,
    renderer: PageRenderer,
    pages: Pages,
    settings: dict[str, Any],
    privacy: Privacy,
    progress: Progress | None,
    timings: dict[str, float] | None,
    exports: BackgroundExports | None,
) -> int:
    data, show_phone = renderer.data, renderer.options.show_phone
    docs_out = build_dir / "docs"
    mine = pages.rest if pages.mine is None else pages.mine
    total = len(pages.rest)

    def shown(done: int, of: int) -> None:  # of all pages: the worker keeps pace with this one
        if progress is not None:
            progress("生成页面", min(total - 1, done * total // of), total)

    _write_pages(docs_out, renderer.render(mine, shown))
    if exports is not None:
        exports.wait_first()  # the worker's share of the pages
    if progress is not None:
        progress("生成页面", total, total)
    started = time.perf_counter()
    if exports is None:
        write_exports(
            result,
            docs_out,
            page_urls(settings, data),
            privacy,
            (lambda done, total: progress("导出文件", done, total)) if progress else None,
            data.circulars,
        )
    # 督查统计 after the exports: meanwhile the chart worker drew their charts (helped here)
    if data.circulars is not None:
        data.circulars.draw_unstarted()
    _write_pages(docs_out, renderer.render(pages.stats))
    if exports is not None:
        exports.circulars_from(data.circulars)
    if timings is not None:
        timings["exports"] = timings.get("exports", 0.0) + time.perf_counter() - started
    write_assistant_files(result, docs_out, settings, show_phone)
    write_dictionary(result, build_dir)
    settings = search_settings(settings, SEARCH_DICTIONARY)
    settings["docs_dir"] = "docs"
    settings["site_dir"] = "site"
    settings["nav"] = nav(data, show_phone)
    settings.setdefault("extra", {})["show_phone"] = show_phone
    (build_dir / "mkdocs.yml").write_text(
        f"{BUILD_HEADER}: do not edit; edit ../mkdocs.yml.\n"
        + yaml.safe_dump(settings, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return len(pages.rest) + len(pages.stats)


def _write_pages(docs_out: Path, pages: dict[str, str]) -> None:
    for folder in {posixpath.dirname(relative) for relative in pages}:
        (docs_out / folder).mkdir(parents=True, exist_ok=True)
    for relative, text in pages.items():
        with open(docs_out / relative, "w", encoding="utf-8") as page:
            page.write(text)


def _protected(result: CheckResult, docs: Path) -> dict[str, Path]:
    """Folders `build` never empties nor writes into, by their Chinese names."""
    return {"记录文件夹": result.records.root, "手写文档文件夹 docs": docs}


def build_site(
    result: CheckResult,
    site_dir: Path,
    build_dir: Path = Path("build"),
    *,
    config: Path = DEFAULT_CONFIG,
    docs: Path = DEFAULT_DOCS,
    show_phone: bool | None = None,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    site_url: str | None = None,
    background: bool = True,
    mkdocs_part: PartProcess | None = None,
) -> BuildReport:
    """Check, generate and build the site into `site_dir`, which mkdocs empties first: so
    it must be new, empty or a site built here (sitedir.py); otherwise nothing is written.
    `background`: the exports in a second process while mkdocs runs (False: here, first).
    `mkdocs_part`: the second mkdocs process, started early (`early_part`): mkdocs takes
    it over; the caller closes it when the build stops before (cli.py does)."""
    report = BuildReport(build_dir=build_dir, site_dir=site_dir)
    try:
        check_site_dir(site_dir, _protected(result, docs), {"构建文件夹": build_dir})
    except UnsafeFolder as err:
        raise SiteError(str(err)) from err
    start = time.perf_counter()
    # the exports are written by a second process while mkdocs builds (see BackgroundExports)
    report.pages, exports, circulars = _prepare(result, build_dir, config, docs, show_phone,
                                                progress, report.timings, now, site_url,
                                                background)  # fmt: skip
    with circulars:  # leaving it stops the chart worker, whatever happens
        report.timings["generate"] = time.perf_counter() - start - report.timings["exports"]
        if progress:
            progress("mkdocs 构建", 0, 1)
        start = time.perf_counter()
        try:
            mark_site_dir(site_dir)  # before mkdocs: a build that fails half-way may be rebuilt
            run_mkdocs(build_dir, site_dir, split=None if background else False, part=mkdocs_part)
        except BaseException:
            if exports is not None:
                exports.stop()
            raise
        report.timings["mkdocs"] = time.perf_counter() - start
        if exports is not None:
            start = time.perf_counter()
            count = exports.finish(site_dir)  # and the 通报, drawn meanwhile
            report.timings["exports"] += time.perf_counter() - start
            if progress:
                progress("导出文件", count, count)
    if progress:
        progress("mkdocs 构建", 1, 1)
    return report
