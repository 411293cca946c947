"""Charts of a semester's figures (circular.SemesterFigures), drawn by matplotlib:
SVG with its text kept as text for the site, PNG for the Word circular.

Two pictures a semester, the same on the 督查统计 page and in the 通报: per unit, three
charts side by side sharing the unit names — the attendance rate against the
threshold (90%), the on-time filing rate, the months studied against the months
owed; for the college, the units' filings by status across the semester's months.
Each picture is drawn once and saved in both formats (drawing costs a tenth of a
second or more, and a build draws every semester). Each `Picture` carries its
numbers as a table too (headers, rows), which the site prints under it for screen
readers and anyone who would rather read.

Chinese labels need a CJK font: the first of CJK_FAMILIES that matplotlib finds
(Debian's fonts-noto-cjk gives Noto Sans CJK SC). Without one the labels would be
boxes; `cjk_font()` says whether there is one. matplotlib is imported on first use
only, so commands that draw nothing do not pay for it. The same figures give the
same bytes: no dates in the files, a fixed hash salt for the SVG's ids.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from generator.circular import SemesterFigures, UnitFigures, cn_month, percent
from generator.rules import STATUS_WORDS, Status

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans CJK JP",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
)
# Colours of the site's status labels (docs/stylesheets/site.css), readable in grey print too.
GREEN, AMBER, RED, GREY, LIGHT = "#43a047", "#f9a825", "#d32f2f", "#b0bec5", "#e3e7ea"
INK = "#263238"
WIDTH = 7.0  # inches; the Word file scales it to the text width (15.6 cm)
PNG_DPI = 150


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart: drawn on a matplotlib Axes (`full`: with its axis title and legend,
    as a chart of its own; else as a panel of a picture, titled `panel`)."""

    key: str  # attendance | on-time | months | college
    title: str
    summary: str  # one sentence for screen readers and the caption
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    draw: Callable[[Any, bool], None]
    height: float  # inches, as a chart of its own
    panel: str = ""


@dataclass(frozen=True, slots=True)
class Picture:
    """What the page shows as one <figure> and the Word file as one picture."""

    key: str  # units | college
    title: str
    summary: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    charts: tuple[Chart, ...]  # side by side, sharing the unit names


def pictures(figures: SemesterFigures, text: Callable[[str], str] = str) -> list[Picture]:
    """图1 the units' three charts, 图2 the college's months."""
    attendance, on_time, months, college = charts(figures, text)
    units = figures.units
    rows = [
        (
            a[0],
            a[1],
            f"{u.filings_on_time}/{u.filings_due}",
            o[1],
            f"{u.months_studied}/{u.months_owed}",
            m[3],
        )
        for u, a, o, m in zip(units, attendance.rows, on_time.rows, months.rows, strict=True)
    ]
    return [
        Picture(
            "units",
            "各单位参加率、按时报送率和已学习月数",
            f"左：中心组成员参加率，{attendance.summary}中：{on_time.summary}"
            f"右：已学习月数与应学习月数，{months.summary}",
            ("单位", "参加率", "按时报送", "按时报送率", "已学习/应学习月数", "未学习月份"),
            rows,
            (attendance, on_time, months),
        ),
        Picture(
            "college", college.title, college.summary, college.headers, college.rows, (college,)
        ),
    ]


def charts(figures: SemesterFigures, text: Callable[[str], str] = str) -> list[Chart]:
    """The semester's four charts. `text` is applied to every label from the records
    (the site masks phone numbers with it)."""
    units = figures.units
    names = [text(u.name) for u in units]
    threshold = Fraction(str(figures.attendance_threshold))
    height = 0.9 + 0.3 * max(len(units), 1)

    threshold_text = f"{float(threshold) * 100:g}%"
    below = [
        n
        for n, u in zip(names, units, strict=True)
        if u.attendance_fraction is not None and u.attendance_fraction < threshold
    ]
    return [
        Chart(
            "attendance",
            "各单位中心组成员参加率",
            f"虚线为方案要求的 {threshold_text}；"
            + (f"低于要求的：{'、'.join(below)}。" if below else "各单位均达到要求。"),
            ("单位", "参加率", "实到人次", "应到人次"),
            [
                (n, percent(u.attendance_fraction), str(u.present), str(u.members))
                for n, u in zip(names, units, strict=True)
            ],
            functools.partial(_draw_attendance, units, names, threshold),
            height,
            f"参加率（虚线：{threshold_text}）",
        ),
        Chart(
            "on-time",
            "各单位按时报送率",
            "已到期的学习安排报送表、会后报党委宣传部的安排表和列席情况书面报告中按时报送的比例。",
            ("单位", "按时报送率", "按时报送", "已到期"),
            [
                (n, percent(u.on_time_rate), str(u.filings_on_time), str(u.filings_due))
                for n, u in zip(names, units, strict=True)
            ],
            functools.partial(_draw_on_time, units, names),
            height,
            "按时报送率",
        ),
        Chart(
            "months",
            "各单位已学习月数与应学习月数",
            "应学习月数为本学期已结束（或已开展学习）且不免除的月份数。",
            ("单位", "已学习月数", "应学习月数", "未学习月份"),
            [
                (n, str(u.months_studied), str(u.months_owed), "、".join(u.months_missing) or "—")
                for n, u in zip(names, units, strict=True)
            ],
            functools.partial(_draw_months, units, names),
            height,
            "已学习/应学习月数",
        ),
        Chart(
            "college",
            "全校各月报送情况",
            "各单位应报送的材料按学习所在月份和报送状态统计（列席旁听记录表由旁听组报送，不计入）。",
            (
                "月份",
                *(
                    STATUS_WORDS[s]
                    for s in (Status.ON_TIME, Status.LATE, Status.MISSING, Status.PENDING)
                ),
            ),
            [
                (cn_month(m.month), str(m.on_time), str(m.late), str(m.missing), str(m.not_due))
                for m in figures.months
            ],
            functools.partial(_draw_college, figures),
            3.2,
        ),
    ]


def _draw_attendance(
    units: list[UnitFigures], names: list[str], threshold: Fraction, ax: Any, full: bool
) -> None:
    values = [u.attendance_fraction for u in units]
    colours = [GREEN if v is not None and v >= threshold else AMBER for v in values]
    _bars(ax, names, [_pct(v) for v in values], colours, [percent(v) for v in values], full)
    limit = float(threshold) * 100
    ax.axvline(limit, color=RED, linestyle="--", linewidth=1.2)
    if full:
        ax.text(limit, -0.9, f"要求 {limit:g}%", color=RED, ha="center", va="bottom", fontsize=9)
    if full:
        ax.set_xlabel("中心组成员参加率（实到人次 ÷ 应到人次）")


def _draw_on_time(units: list[UnitFigures], names: list[str], ax: Any, full: bool) -> None:
    values = [u.on_time_rate for u in units]
    labels = [
        (f"{percent(v)}（{u.filings_on_time}/{u.filings_due}）" if full else percent(v))
        if v is not None
        else "无到期材料"
        for u, v in zip(units, values, strict=True)
    ]
    colours = [GREEN if v == 1 else AMBER if v and v >= Fraction(9, 10) else RED for v in values]
    _bars(ax, names, [_pct(v) for v in values], colours, labels, full)
    if full:
        ax.set_xlabel("按时报送率（按时报送 ÷ 已到期：安排表、会后报送、列席情况书面报告）")


def _draw_months(units: list[UnitFigures], names: list[str], ax: Any, full: bool) -> None:
    ys = list(range(len(units)))
    owed = [u.months_owed for u in units]
    studied = [u.months_studied for u in units]
    ax.barh(ys, owed, height=0.72, color=LIGHT, edgecolor=GREY, label="应学习月数")
    ax.barh(
        ys,
        studied,
        height=0.42,
        color=[GREEN if s >= o else RED for s, o in zip(studied, owed, strict=True)],
        label="已学习月数",
    )
    for y, (s, o) in enumerate(zip(studied, owed, strict=True)):
        ax.text(max(o, s) + 0.08, y, f"{s}/{o}", va="center", fontsize=_size(full), color=INK)
    _unit_axis(ax, names)
    ax.set_xlim(0, max([*owed, 1]) + 1)
    ax.xaxis.get_major_locator().set_params(integer=True)
    if full:
        ax.set_xlabel("月数（已结束或已学习的月份；免除的月份不计）")
        ax.legend(loc="upper right", ncol=2, fontsize=9, frameon=False, borderaxespad=0.1)


def _draw_college(figures: SemesterFigures, ax: Any, full: bool) -> None:
    labels = [cn_month(m.month) for m in figures.months]
    bottom = [0] * len(labels)
    for name, colour, values in (
        (STATUS_WORDS[Status.ON_TIME], GREEN, [m.on_time for m in figures.months]),
        (STATUS_WORDS[Status.LATE], AMBER, [m.late for m in figures.months]),
        (STATUS_WORDS[Status.MISSING], RED, [m.missing for m in figures.months]),
        (STATUS_WORDS[Status.PENDING], GREY, [m.not_due for m in figures.months]),
    ):
        ax.bar(labels, values, bottom=bottom, color=colour, label=name, width=0.6)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for x, total in enumerate(bottom):
        ax.text(x, total, str(total), ha="center", va="bottom", fontsize=9, color=INK)
    ax.set_ylim(0, max([*bottom, 1]) * 1.15)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel("份")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=4, fontsize=9, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _pct(value: Fraction | None) -> float:
    return float(value) * 100 if value is not None else 0.0


def _size(full: bool) -> float:
    """Value labels: smaller in a panel of the combined figure."""
    return 9 if full else 6.5


def _bars(
    ax: Any,
    names: list[str],
    values: list[float],
    colours: list[str],
    labels: list[str],
    full: bool,
) -> None:
    """Horizontal percentage bars, one per unit, each labelled at its end."""
    ys = list(range(len(names)))
    ax.barh(ys, values, height=0.6, color=colours)
    for y, (value, label) in enumerate(zip(values, labels, strict=True)):
        ax.text(min(value, 100) + 1, y, label, va="center", fontsize=_size(full), color=INK)
    _unit_axis(ax, names)
    ax.set_xlim(0, 125)
    ax.set_xticks([0, 50, 100], ["0", "50%", "100%"])


def _unit_axis(ax: Any, names: list[str]) -> None:
    if ax.yaxis.get_visible():  # a hidden axis shares the visible one's ticks: set once
        ax.set_yticks(range(len(names)), names)
    ax.set_ylim(len(names) - 0.5, -1.0)  # first unit on top, as in the table
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


# ---------------------------------------------------------------- rendering


@functools.cache
def cjk_font() -> str | None:
    """The CJK family matplotlib will use, or None when it finds none. matplotlib keeps
    its list of fonts in a cache file made on first use: fonts installed since (say,
    fonts-noto-cjk after the first run) are missing from it until it is made again."""
    from matplotlib import font_manager

    def first() -> str | None:
        available = {f.name for f in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FAMILIES if name in available), None)

    found = first()
    if found is None:
        fresh = font_manager._load_fontmanager(try_read_cache=False)  # rewrites the cache
        font_manager.fontManager.ttflist = fresh.ttflist
        font_manager.FontManager._findfont_cached.cache_clear()
        found = first()
    return found


def _settings() -> dict[str, Any]:
    family = cjk_font()
    return {
        "font.family": [family, "DejaVu Sans"] if family else ["DejaVu Sans"],
        "font.size": 10,
        "axes.unicode_minus": False,
        "text.parse_math": False,  # a "$" in a unit's name is text, not mathtext
        "svg.fonttype": "none",  # text stays text: selectable, searchable, read aloud
        "svg.hashsalt": "zxz-charts",  # ids from the content, not from a random salt
        "axes.edgecolor": GREY,
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
    }


def _save(figure: Any, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "png":
        figure.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})
    else:
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _figure(picture: Picture) -> Any:
    from matplotlib.figure import Figure

    if picture.key == "college":
        (chart,) = picture.charts
        figure = Figure(figsize=(WIDTH, chart.height))
        figure.subplots_adjust(left=0.09, right=0.97, top=0.9, bottom=0.2)
        chart.draw(figure.subplots(), True)
        return figure
    rows = max(len(picture.rows), 1)
    height = min(0.9 + 0.26 * rows, 9.5)  # the picture must fit an A4 page's text height
    figure = Figure(figsize=(WIDTH, height))
    figure.subplots_adjust(
        left=0.22, right=0.99, top=1 - 0.45 / height, bottom=0.35 / height, wspace=0.08
    )
    axes = figure.subplots(1, len(picture.charts), sharey=True)
    for ax in axes[1:]:
        ax.yaxis.set_visible(False)  # the names once, on the left
    for ax, chart in zip(axes, picture.charts, strict=True):
        chart.draw(ax, False)
        # a title placed by hand: set_title measures every tick label to place itself
        ax.text(0.5, 1.0 + 0.2 / height, chart.panel, transform=ax.transAxes,
                ha="center", va="bottom", fontsize=9, color=INK)  # fmt: skip
    return figure


@dataclass(slots=True)
class Drawing:
    """A picture drawn once (a matplotlib Figure and the settings it was drawn with), to
    be saved in one format or several, now or later."""

    figure: Any
    settings: dict[str, Any]


def draw(picture: Picture) -> Drawing:
    import matplotlib

    settings = _settings() | ({} if picture.key == "college" else {"font.size": 8})
    with matplotlib.rc_context(settings):
        return Drawing(_figure(picture), settings)


def save(drawing: Drawing, fmt: str, prefix: str = "zxz") -> Any:
    """The drawing saved: as inline SVG text for "svg" (see `inline_svg`; ids prefixed
    `prefix`-…), as bytes for "png".
    Under the settings it was drawn with: the SVG writer reads some of them (font type,
    hash salt) when it saves."""
    import matplotlib

    with matplotlib.rc_context(drawing.settings):
        data = _save(drawing.figure, fmt)
    return inline_svg(data, prefix) if fmt == "svg" else data


def render(
    picture: Picture, formats: tuple[str, ...] = ("svg", "png"), prefix: str = "zxz"
) -> dict[str, Any]:
    """The picture drawn once and saved in each format: "svg" as inline SVG text
    (see `inline_svg`), "png" as bytes."""
    drawing = draw(picture)
    return {fmt: save(drawing, fmt, f"{prefix}-{picture.key}") for fmt in formats}


_SVG_START = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_STYLE = re.compile(r"\s*<style[^>]*>.*?</style>", re.S)  # a global `*{…}` rule: not on a page
_SIZE = re.compile(r'<svg([^>]*?) width="[^"]*" height="[^"]*"')
_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(url\(#|xlink:href="#)([^")]+)')


def inline_svg(data: bytes, prefix: str) -> str:
    """matplotlib's SVG as an inline <svg> element for an HTML page: no XML prolog, no
    metadata, no global style; every id prefixed (`prefix`-…) so that several pictures
    can share a page; scaled by its viewBox to the width it is given."""
    text = data.decode("utf-8")
    text = _SVG_START.sub("", text, count=1)
    text = _METADATA.sub("", text, count=1)
    text = _STYLE.sub("", text, count=1)
    text = _SIZE.sub(r"<svg\1", text, count=1)
    text = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', text)
    text = _REF.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", text)
    # no indentation, and no blank line that would end the page's raw-HTML block early
    return "\n".join(line.strip() for line in text.strip().splitlines() if line.strip())
