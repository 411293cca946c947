"""The semester files a site build makes once per semester: the 督查统计 page's charts
(SVG) and the 通报 (Word), for every semester begun by the as-of day.

Drawing them is the costly part of a build with a long history (matplotlib takes a
tenth of a second or more per chart), so with several semesters a second process
draws them while this one renders the other pages and writes the other exports:
the SVGs first (the 督查统计 pages are rendered last), then the Word files (written
last). The worker gets each semester's figures (small, plain data) and the privacy
setting; what it returns is exactly what this process would have made (a test
compares), and any failure in it is raised here. Few semesters are drawn here
directly: starting a process would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType

from generator.circular import SemesterFigures
from generator.exports.common import FULL, Privacy

CHART_ID_PREFIX = "zxz-chart"  # SVG ids: zxz-chart-<key>-…
PARALLEL_FROM = 4  # semesters; below this, drawing here is quicker than starting a worker


def chart_svgs(figures: SemesterFigures, privacy: Privacy = FULL) -> dict[str, str]:
    """The semester's charts as inline SVG, by chart key."""
    from generator import charts

    return {
        chart.key: charts.svg(chart, prefix=CHART_ID_PREFIX)
        for chart in charts.charts(figures, privacy.text)
    }


def circular_file(figures: SemesterFigures, privacy: Privacy = FULL) -> bytes:
    from generator.exports.circular_docx import circular_docx

    return circular_docx(figures, privacy)


class Circulars:
    """Charts and 通报 of the semesters in `figures` that have begun; `parallel`: None
    decides by their number, True/False forces it (tests). Use it as a context manager:
    leaving it stops the worker."""

    def __init__(
        self,
        figures: dict[str, SemesterFigures],
        privacy: Privacy = FULL,
        parallel: bool | None = None,
        charts: bool = True,
    ) -> None:
        self.figures = {sid: f for sid, f in figures.items() if f.state != "upcoming"}
        self.privacy = privacy
        self.charts = charts  # False: the Word files only (the export command)
        self._svgs: dict[str, Future | dict[str, str]] = {}
        self._files: dict[str, Future | bytes] = {}
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
        for sid, figures in self.figures.items() if self.charts else ():
            self._svgs[sid] = self._pool.submit(chart_svgs, figures, self.privacy)
        for sid, figures in self.figures.items():
            self._files[sid] = self._pool.submit(circular_file, figures, self.privacy)

    @property
    def semesters(self) -> list[str]:
        return list(self.figures)

    def svgs(self, semester_id: str) -> dict[str, str]:
        made = self._svgs[semester_id] = self._get(self._svgs, semester_id, chart_svgs)
        return made

    def docx(self, semester_id: str) -> bytes:
        made = self._files[semester_id] = self._get(self._files, semester_id, circular_file)
        return made

    def _get(self, made: dict, semester_id: str, make):
        """The worker's result; if the worker failed (it could not start, it died), the
        same made here — which raises here if the records are the cause."""
        value = made.get(semester_id)
        if isinstance(value, Future):
            try:
                return value.result()
            except Exception:
                value = None
        if value is None:
            return make(self.figures[semester_id], self.privacy)
        return value

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
