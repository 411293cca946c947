"""The semester files a build makes once per semester: the 督查统计 page's charts (SVG)
and the 通报 (Word, with the same charts as PNG), for every semester begun by the
as-of day.

Drawing is the costly part of a build with a long history (matplotlib takes a tenth
of a second or more per picture). With several semesters a second process draws
them while this one renders the other pages: first every semester's SVGs (the
督查统计 pages wait for them, and mkdocs for the pages), then the PNGs and the 通报,
which the build writes after mkdocs has run. Drawn here (few semesters, or the
`export` command), each picture is drawn once and saved in both formats. The worker
gets each semester's figures (small, plain data) and the privacy setting; what it
returns is exactly what this process would have made (a test compares). If it
cannot start or dies, the same work is done here — which raises here when the
records are the cause. Few semesters are drawn here directly: starting a process
costs more than it saves.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType
from typing import Any

from generator.circular import SemesterFigures
from generator.exports.common import FULL, Privacy

CHART_ID_PREFIX = "zxz-chart"  # SVG ids: zxz-chart-<picture>-…
PARALLEL_FROM = 4  # semesters; below this, drawing here is quicker than starting a worker

Files = tuple[dict[str, str], bytes]  # (inline SVG by picture key, the 通报)


def lower_priority() -> None:
    """Yield the processor to the build's own process (mkdocs) while it runs: a worker's
    work that nothing waits for yet. Where priorities cannot be changed, nothing changes."""
    with contextlib.suppress(AttributeError, OSError):  # no os.nice on Windows
        os.nice(5)


# In the chart worker only: the pictures drawn for a semester's SVGs (`keep`), kept until
# its 通报 takes their PNGs, so that each is drawn once there too (drawing costs as much
# as saving). A worker serves one `Circulars`, so one privacy: the semester and the
# picture name which drawing it is. The same drawing saved in the same order (SVG,
# then PNG) as when both are made at once: the same bytes.
_drawn: dict[tuple[str, str], Any] = {}


def chart_svgs(
    figures: SemesterFigures, privacy: Privacy = FULL, keep: bool = False
) -> dict[str, str]:
    """The semester's pictures as inline SVG, by key (pages rendered without a build);
    `keep`: the drawings kept for `semester_files` (the chart worker)."""
    from generator import charts

    svgs: dict[str, str] = {}
    for picture in charts.pictures(figures, privacy.text):
        drawing = charts.draw(picture)
        svgs[picture.key] = charts.save(drawing, "svg", f"{CHART_ID_PREFIX}-{picture.key}")
        if keep:
            _drawn[(figures.semester.id, picture.key)] = drawing
    return svgs


def semester_files(
    figures: SemesterFigures, privacy: Privacy = FULL, with_svgs: bool = True
) -> Files:
    """Each picture drawn once (or taken as `chart_svgs` kept it): its SVG for the page,
    its PNG into the 通报."""
    from generator import charts
    from generator.exports.circular_docx import circular_docx

    svgs: dict[str, str] = {}
    pngs: dict[str, bytes] = {}
    for picture in charts.pictures(figures, privacy.text):
        drawing = _drawn.pop((figures.semester.id, picture.key), None) or charts.draw(picture)
        if with_svgs:
            svgs[picture.key] = charts.save(drawing, "svg", f"{CHART_ID_PREFIX}-{picture.key}")
        pngs[picture.key] = charts.save(drawing, "png")
    return svgs, circular_docx(figures, privacy, pngs)


class Circulars:
    """Charts and 通报 of the semesters in `figures` that have begun. `charts=False`: the
    Word files only (the export command). `parallel`: None decides by their number,
    True/False forces it (tests). Use it as a context manager: leaving it stops the
    worker."""

    def __init__(
        self,
        figures: dict[str, SemesterFigures],
        privacy: Privacy = FULL,
        parallel: bool | None = None,
        charts: bool = True,
    ) -> None:
        self.figures = {sid: f for sid, f in figures.items() if f.state != "upcoming"}
        self.privacy = privacy
        self.charts = charts
        self._made: dict[str, Future | Files] = {}
        # with a worker: the pages' SVGs, drawn there first (or here, see draw_unstarted)
        self._svgs: dict[str, Future | dict[str, str]] = {}
        self._pool: ProcessPoolExecutor | None = None
        if parallel is None:
            parallel = len(self.figures) >= PARALLEL_FROM
        if parallel and self.figures:
            self._start()

    def _start(self) -> None:
        # spawn, not fork: this process may run threads (a browser driver in the tests)
        context = multiprocessing.get_context("spawn")
        try:
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        except OSError:  # no process to be had: draw here
            return
        # the pages wait for the SVGs, mkdocs for the pages; the 通报 are only needed
        # once mkdocs has run: so every SVG first, then the PNGs and Word files
        if self.charts:  # a site build: the rest is not waited for until mkdocs has run
            for sid, figures in self.figures.items():
                self._svgs[sid] = self._pool.submit(chart_svgs, figures, self.privacy, True)
            self._pool.submit(lower_priority)
        for sid, figures in self.figures.items():
            self._made[sid] = self._pool.submit(semester_files, figures, self.privacy, False)

    @property
    def semesters(self) -> list[str]:
        return list(self.figures)

    def _files(self, semester_id: str) -> Files:
        made = self._made.get(semester_id)
        if isinstance(made, Future) and made.cancel():  # not begun there: made here
            made = None
        if isinstance(made, Future):
            try:
                made = made.result()
            except Exception:  # the worker failed: do it here
                made = None
        if made is None:
            # the SVGs only when not drawn apart (see svgs)
            with_svgs = self.charts and semester_id not in self._svgs
            made = semester_files(self.figures[semester_id], self.privacy, with_svgs)
        self._made[semester_id] = made
        return made

    def svgs(self, semester_id: str) -> dict[str, str]:
        drawn = self._svgs.get(semester_id)
        if drawn is None:  # drawn here, together with the 通报's PNGs
            return self._files(semester_id)[0]
        if isinstance(drawn, Future):
            try:
                drawn = drawn.result()
            except Exception:  # the worker failed: do it here
                drawn = chart_svgs(self.figures[semester_id], self.privacy)
            self._svgs[semester_id] = drawn
        return drawn

    def draw_unstarted(self) -> None:
        """Draw here the SVGs the worker has not begun, the newest semester first (it
        works from the oldest), until it has begun the next: for a process that would
        otherwise wait for them. The same function draws them, so the same bytes."""
        for semester_id in reversed(self._svgs):
            drawn = self._svgs[semester_id]
            if not isinstance(drawn, Future) or not drawn.cancel():
                return
            self._svgs[semester_id] = chart_svgs(self.figures[semester_id], self.privacy)

    def docx(self, semester_id: str) -> bytes:
        return self._files(semester_id)[1]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Circulars:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
