"""mkdocs build --strict of the build folder, on two cores when the site is large.

mkdocs renders pages one after another. On a large site a second process
builds whole folders of record pages (a unit's session pages, …: about half of
the work, `plan_split`) while this one builds the rest, each leaving out the
other's with `exclude_docs`. Each page's HTML does not depend on which pages were
built with it: mkdocs still resolves links to and navigation entries for
excluded pages (logged below WARNING, so `--strict` is unaffected, while a link
to a page that does not exist still fails either half). What does depend on the
set of pages — Material's search index and the sitemap — is merged here in
mkdocs' page order, and the second process's pages are moved into the site. A
test compares the result byte for byte with a one-process build.

Only mkdocs' public configuration is used (`exclude_docs`), and only for the
plugins whose output is known to be merged here (Material's search); any other
plugin in mkdocs.yml means one process.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import json
import logging
import multiprocessing
import os
import re
import shutil
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from generator.site.errors import SiteError
from generator.site.search import FILE as SEARCH_DICTIONARY

# Conditional loaders in Material's bundle (a polyfill for browsers without
# ResizeObserver, mermaid for diagrams we never emit) point at a CDN. The campus
# intranet has no internet: turn them into empty scripts rather than requests.
CDN_URL = re.compile(rb"https://unpkg\.com/[A-Za-z0-9@._/-]*")
EMPTY_SCRIPT = b"data:text/javascript,"

# The second process takes whole folders of record pages (one unit's sessions, its
# 附件2 pages, …), the largest collections first, until it has half of mkdocs' work.
SHARED_FOLDERS = ("sessions", "audits", "units", "plans")
# mkdocs' time for a page, measured on the 1,500-session build: about 15 ms whatever its
# size (the theme, the navigation, search) and 1 ms a kB of Markdown; starting the second
# process (mkdocs, the theme and jieba loaded again) about 2 s. Below 10 s: one process.
PAGE_SECONDS = 0.015
KB_SECONDS = 0.001
START_SECONDS = 2.0
SPLIT_FROM_SECONDS = 10.0
# About as many sessions (pages and kB) as make that much work: from here the build
# starts the second process at its beginning (`PartProcess`)
EARLY_FROM_SESSIONS = 300
# plugins whose output is merged below; any other plugin: one process
MERGEABLE_PLUGINS = {"search", "material/search"}
SEARCH_INDEX = "search/search_index.json"
SITEMAP = "sitemap.xml"
SITEMAP_ENTRY = re.compile(r"\s*<url>\s*<loc>([^<]*)</loc>.*?</url>", re.S)
PART_FOLDER = ".site-part"  # in the build folder: the second process's site


@dataclass(slots=True)
class PartResult:
    """What one mkdocs process reports: its WARNING-or-worse log messages and, when it
    stopped, why (`crash`: an internal error's traceback rather than a user's)."""

    messages: list[str] = field(default_factory=list)
    failure: str | None = None
    crash: str | None = None


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(
    build_dir: Path, site_dir: Path, *, split: bool | None = None, part: PartProcess | None = None
) -> None:
    """mkdocs build --strict of the build folder into site_dir. `split`: None decides by
    the amount of work, True/False forces two processes or one (tests). `part`: the
    second process, started earlier (see `PartProcess`); it is closed here either way."""
    folders = [] if split is False else plan_split(build_dir / "docs", force=bool(split))
    config = _load(build_dir) if folders else None
    if config is None or not set(config.plugins) <= MERGEABLE_PLUGINS:
        if part is not None:
            part.close()
        _raise_for([build_part(build_dir, site_dir)])
        localize(site_dir)
        return
    part_dir = build_dir / PART_FOLDER
    shutil.rmtree(part_dir, ignore_errors=True)
    part = part or PartProcess()
    try:
        part.build(build_dir, part_dir, _only(folders))
        mine = build_part(build_dir, site_dir, "\n".join(f"/{f}/" for f in folders))
        _raise_for([mine, part.result()])
        _merge(config, part_dir, site_dir)
    finally:
        part.close()  # stops it when this process failed or was interrupted first
        shutil.rmtree(part_dir, ignore_errors=True)
    localize(site_dir)


def early_part(records_dir: Path) -> PartProcess | None:
    """The second mkdocs process, started now when the records are many enough for the
    build to want it: it loads mkdocs and jieba while they are being checked. Give it to
    `build_site`, and close it when the build does not reach mkdocs."""
    sessions = records_dir / "sessions"
    if not sessions.is_dir() or sessions.is_symlink():  # the check reports what is wrong
        return None
    for count, _ in enumerate(sessions.glob("*/*.yaml"), 1):
        if count >= EARLY_FROM_SESSIONS:
            return PartProcess()
    return None


class PartProcess:
    """The second mkdocs process. Started before the pages exist, it imports mkdocs and
    loads jieba's dictionary (about 2 s) while the build's process checks the records
    (which uses one core); `build` then hands it the folders to build, `result` waits
    for what it reports. Spawned, not forked: this process may run threads (a browser
    driver in the tests), and spawning starts none."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, theirs = context.Pipe()
        self._process = context.Process(target=_part_worker, args=(theirs,), name="mkdocs-part")
        self._process.start()
        theirs.close()
        self._ordered = False

    def build(self, build_dir: Path, site_dir: Path, exclude: str) -> None:
        with contextlib.suppress(OSError):  # it died meanwhile: `result` says so
            self._connection.send((build_dir, site_dir, exclude))
        self._ordered = True

    def result(self) -> PartResult:
        try:
            result: PartResult = self._connection.recv()
        except EOFError:  # the process died without a word (killed, out of memory)
            self._process.join()
            result = PartResult(
                crash=f"the second mkdocs process exited ({self._process.exitcode})"
            )
        self._ordered = False
        return result

    def close(self) -> None:
        """Let it go (not needed after all), or stop it (still building: this process
        failed first)."""
        if self._process.is_alive():
            if self._ordered:
                self._process.terminate()
            else:
                with contextlib.suppress(OSError):  # it died meanwhile
                    self._connection.send(None)
        self._process.join()
        self._connection.close()


def plan_split(docs: Path, force: bool = False) -> list[str]:
    """The folders of `docs` (`sessions/<unit>`, …) the second process builds, about half
    of the work by the estimate above; none when the site is too small to gain (unless
    `force`, for tests)."""
    shared: dict[str, float] = {}
    total = 0.0
    for folder, _, names in os.walk(docs):
        cost = sum(
            PAGE_SECONDS + KB_SECONDS * os.stat(os.path.join(folder, name)).st_size / 1024
            for name in names
            if name.endswith(".md")
        )
        total += cost
        parts = Path(folder).relative_to(docs).parts
        if parts and parts[0] in SHARED_FOLDERS and len(parts) >= 2:
            key = f"{parts[0]}/{parts[1]}"
            shared[key] = shared.get(key, 0.0) + cost
    if not force and total < SPLIT_FROM_SECONDS:
        return []
    target = (total - (0.0 if force else START_SECONDS)) / 2
    chosen: list[str] = []
    taken = 0.0
    order = {name: n for n, name in enumerate(SHARED_FOLDERS)}
    for key in sorted(shared, key=lambda k: (order[k.partition("/")[0]], k)):
        if taken + shared[key] / 2 > target:
            break
        chosen.append(key)
        taken += shared[key]
    return chosen


def _only(folders: list[str]) -> str:
    """gitignore patterns that leave out everything but `folders` (each `top/sub`)."""
    patterns = ["/*"]
    for top in dict.fromkeys(f.partition("/")[0] for f in folders):
        patterns += [f"!/{top}/", f"/{top}/*"]
        patterns += [f"!/{f}/" for f in folders if f.partition("/")[0] == top]
    return "\n".join(patterns)


def _load(build_dir: Path) -> Any | None:
    """The build folder's mkdocs configuration, or None when mkdocs refuses it (the
    one-process build then says why)."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    with _captured_log():
        try:
            return load_config(config_file=str(build_dir / "mkdocs.yml"))
        except (Abort, ConfigurationError):
            return None


def _raise_for(parts: list[PartResult]) -> None:
    for part in parts:
        if part.crash is not None:
            raise RuntimeError(f"mkdocs: {part.crash}")
    failures = [part.failure for part in parts if part.failure is not None]
    if failures:
        # the two halves report a problem of the whole site (the nav, mkdocs.yml) alike
        messages = list(dict.fromkeys(m for part in parts for m in part.messages))
        raise SiteError(f"mkdocs 构建失败：{failures[0]}", messages)


def _part_worker(connection: Any) -> None:
    with contextlib.suppress(Exception):  # only a head start: build_part reports failures
        _warm()
    try:
        order = connection.recv()
    except EOFError:  # the build stopped before mkdocs
        return
    if order is None:
        return
    try:
        result = build_part(*order)
    except BaseException:  # reported, not lost in a process nobody reads
        result = PartResult(crash=traceback.format_exc())
    connection.send(result)
    connection.close()


def _warm() -> None:
    """What every mkdocs build loads first: mkdocs, Material's search and jieba's
    dictionary (a build loads the user dictionary on top of it, as it would anyway)."""
    import mkdocs.commands.build
    import mkdocs.config  # noqa: F401

    try:
        import jieba
        import material.plugins.search.plugin  # noqa: F401
    except ImportError:  # pragma: no cover - pinned dependencies
        return
    jieba.setLogLevel(logging.WARNING)  # it announces its dictionary on stderr
    jieba.initialize()


def build_part(build_dir: Path, site_dir: Path, exclude: str | None = None) -> PartResult:
    """mkdocs build --strict through mkdocs' API, leaving out the docs `exclude` matches
    (gitignore patterns). Problems are returned, not raised: this may run in a worker."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    try:  # jieba announces its dictionary on stderr: only cli.py may print
        import jieba

        jieba.setLogLevel(logging.WARNING)
    except ImportError:  # pragma: no cover - jieba is a pinned dependency
        jieba = None
    options: dict[str, Any] = {"exclude_docs": exclude} if exclude else {}
    with _captured_log() as collect:
        try:
            config = load_config(
                config_file=str(build_dir / "mkdocs.yml"),
                site_dir=str(site_dir.resolve()),
                strict=True,
                **options,
            )
            # the search dictionary's path is relative to the build folder (where a
            # standalone `mkdocs build` runs); the theme reads it relative to the working
            # directory
            search = config.plugins.get("material/search")
            if search is not None and search.config.get("jieba_dict_user"):
                search.config.jieba_dict_user = str(build_dir.resolve() / SEARCH_DICTIONARY)
            with _memoized_cut(jieba):
                build(config)
        except (Abort, ConfigurationError) as err:
            return PartResult(collect.messages, str(err))
    return PartResult(collect.messages)


@contextmanager
def _captured_log() -> Iterator[_Collect]:
    """mkdocs' log kept from stderr (only cli.py may print); WARNING and worse collected."""
    logger = logging.getLogger("mkdocs")
    collect = _Collect()
    propagate, level = logger.propagate, logger.level
    logger.addHandler(collect)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        yield collect
    finally:
        logger.removeHandler(collect)
        logger.propagate, logger.level = propagate, level


@contextmanager
def _memoized_cut(jieba: Any) -> Iterator[None]:
    """Material's search segments every run of Han characters of every page with
    `jieba.cut`; the same runs (报送情况, unit names, 列席旁听…) recur on thousands of
    pages. During the build each distinct run is cut once: jieba is deterministic for a
    given dictionary, and the dictionary (ours is loaded in on_config, before any page)
    does not change during a build, so the index is the same."""
    if jieba is None:
        yield
        return
    original = jieba.cut
    cache: dict[tuple[Any, ...], list[str]] = {}

    def cut(sentence: Any, cut_all: bool = False, HMM: bool = True, use_paddle: bool = False):
        key = (sentence, cut_all, HMM, use_paddle)
        words = cache.get(key)
        if words is None:
            words = cache[key] = list(original(sentence, cut_all, HMM, use_paddle))
        return iter(words)

    jieba.cut = cut
    try:
        yield
    finally:
        jieba.cut = original


def _merge(config: Any, part_dir: Path, site_dir: Path) -> None:
    """Move the second process's pages into the site; merge the search index and the
    sitemap in the page order of a one-process build."""
    from mkdocs.structure.files import get_files

    with _captured_log():
        pages = [file for file in get_files(config) if file.is_documentation_page()]
    order = {file.url: place for place, file in enumerate(pages)}
    site_url = config.site_url or ""
    for path in sorted(part_dir.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(part_dir).as_posix()
        target = site_dir / relative
        if relative == SEARCH_INDEX:
            _merge_search_index(target, path, order)
        elif relative == SITEMAP:
            _merge_sitemap(target, path, order, site_url)
        elif relative == SITEMAP + ".gz":
            continue  # written again from the merged sitemap
        elif target.exists():
            if target.read_bytes() != path.read_bytes():  # a bug, not a user's mistake
                raise RuntimeError(f"the two mkdocs processes both wrote {relative}, differently")
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)


def _merge_search_index(target: Path, part: Path, order: dict[str, int]) -> None:
    mine = json.loads(target.read_text(encoding="utf-8"))
    theirs = json.loads(part.read_text(encoding="utf-8"))
    by_page: dict[str, list[dict[str, Any]]] = {}
    for entry in mine["docs"] + theirs["docs"]:  # a page's sections follow the page
        by_page.setdefault(entry["location"].partition("#")[0], []).append(entry)
    pages = sorted(by_page, key=lambda url: order.get(url, len(order)))
    merged = {"config": mine["config"], "docs": [e for url in pages for e in by_page[url]]}
    # written as Material writes it
    text = json.dumps(merged, separators=(",", ":"), default=str)
    target.write_bytes(text.encode("utf-8"))


def _merge_sitemap(target: Path, part: Path, order: dict[str, int], site_url: str) -> None:
    texts = [target.read_text(encoding="utf-8"), part.read_text(encoding="utf-8")]
    found = [list(SITEMAP_ENTRY.finditer(text)) for text in texts]
    listed = {m[1]: m[0] for entries in found for m in entries}
    if not listed:  # no site_url: mkdocs lists no page
        return
    place = {html.escape(urljoin(site_url, url)): n for url, n in order.items()}
    # the frame around the entries: this process's, unless it listed no page
    frame, entries = (texts[0], found[0]) if found[0] else (texts[1], found[1])
    text = frame[: entries[0].start()]
    text += "".join(
        listed[loc] for loc in sorted(listed, key=lambda loc: place.get(loc, len(place)))
    )
    text += frame[entries[-1].end() :]
    target.write_text(text, encoding="utf-8")
    # as mkdocs writes it: the same name and time in the gzip header
    packed = target.with_name(target.name + ".gz")
    mtime = int.from_bytes(packed.read_bytes()[4:8], "little")
    with (
        open(packed, "wb") as raw,
        gzip.GzipFile(fileobj=raw, filename=str(packed), mode="wb", mtime=mtime) as archive,
    ):
        archive.write(text.encode("utf-8"))


def localize(site_dir: Path) -> None:
    """No request may leave the intranet: rewrite the theme's CDN fallbacks."""
    for script in (site_dir / "assets" / "javascripts").glob("*.js"):
        data = script.read_bytes()
        cleaned = CDN_URL.sub(EMPTY_SCRIPT, data)
        if cleaned != data:
            script.write_bytes(cleaned)
