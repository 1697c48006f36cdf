"""The dashboard pages: /staf/dasbor (figures, SVG charts, tables) and /staf/dasbor.csv.

Every staff member sees the figures of their own units: leads steer with them, and agents
see the same tickets one by one in their queues already, so the totals reveal nothing new
to them while showing which services run late. Administrators, like everyone, see their
own units only.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask import Flask, Response, current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user

from portal.catalog.service import channel_labels, get_catalog
from portal.core.clock import now
from portal.core.csvsafe import neutralise
from portal.core.desk import get_calendar
from portal.core.templating import format_number
from portal.extensions import cache, db
from portal.staff import dashboard
from portal.staff.dashboard_cache import FiguresCache

CACHE_KEY = "staff_dashboard_cache"
DEFAULT_CACHE_SECONDS = 60


def install_cache(app: Flask) -> None:
    """Give ``app`` the cache of dashboard figures (in the store every node shares)."""
    app.extensions.setdefault(CACHE_KEY, FiguresCache(cache))
    app.config.setdefault("DASHBOARD_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)


def current_figures() -> dashboard.Figures:
    """The figures of the signed-in staff member's units (computed at most once a minute)."""
    units = tuple(sorted(current_user.unit_names))
    moment, calendar, catalog = now(), get_calendar(), get_catalog()
    cache = current_app.extensions[CACHE_KEY]
    return cache.get(
        units,
        current_app.config["DASHBOARD_CACHE_SECONDS"],
        lambda: dashboard.compute(db.session(), catalog, calendar, units, moment),
    )


def dashboard_page():
    """Open work, SLA compliance per month, time to resolve, satisfaction and channels."""
    figures = current_figures()
    width, height = chart_size(figures.months)
    texts = bar_texts()
    return render_template(
        "staff/dashboard.html",
        figures=figures,
        charts={s.code: chart_bars(s, figures.months, texts) for s in figures.services},
        chart=CHART,
        chart_width=width,
        chart_height=height,
        channel_labels=channel_labels(),
    )


def dashboard_csv():
    """The same figures as CSV, every cell safe to open in a spreadsheet."""
    figures = current_figures()
    buffer = io.StringIO()
    csv.writer(buffer).writerows(csv_rows(figures, channel_labels()))
    day = figures.computed_at.astimezone(get_calendar().tz)
    return Response(
        "\ufeff" + buffer.getvalue(),  # the BOM makes spreadsheet programs read UTF-8
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=dasbor-hai-djpb-{day:%Y%m%d-%H%M}.csv",
            "Cache-Control": "no-store",
        },
    )


# The chart: one small SVG per service, a bar per month, height = share within the norm.
CHART = {"left": 34, "top": 16, "plot": 100, "step": 46, "bar": 28, "bottom": 34}


@dataclass(frozen=True)
class Bar:
    """One month's bar, in SVG user units."""

    x: int
    y: float
    height: float
    label_x: int
    month: dashboard.Month
    percent: float | None
    resolved: int
    compliant: int
    text: str  # for the chart's text alternative


def bar_texts() -> tuple[str, str]:
    """The two sentences of a bar's text alternative, translated once per page (not per bar)."""
    return _("%(month)s: %(p)s %% (%(c)s dari %(n)s)"), _("%(month)s: tidak ada tiket selesai")


def chart_bars(row: dashboard.ServiceFigures, months: list[dashboard.Month], texts: tuple[str, str]) -> list[Bar]:
    """Lay out the bars of one service's chart, with the sentence each stands for."""
    c = CHART
    bars = []
    for i, m in enumerate(months):
        pct = row.percent(m.key)
        resolved, compliant = row.resolved.get(m.key, 0), row.compliant.get(m.key, 0)
        if pct is None:
            text = texts[1] % {"month": m.label}
        else:
            text = texts[0] % {"month": m.label, "p": format_number(pct), "c": compliant, "n": resolved}
        height = (pct or 0) * c["plot"] / 100
        x = c["left"] + 8 + i * c["step"]
        bars.append(Bar(x, c["top"] + c["plot"] - height, height, x + c["bar"] // 2, m, pct, resolved, compliant, text))
    return bars


def chart_size(months: list[dashboard.Month]) -> tuple[int, int]:
    """Width and height of one chart."""
    c = CHART
    return c["left"] + 16 + len(months) * c["step"], c["top"] + c["plot"] + c["bottom"]


def csv_rows(figures: dashboard.Figures, channel_labels: dict[str, str]):
    """Yield the dashboard as tidy rows: metric, code, name, month, value (already neutralised)."""
    yield ("metrik", "kode", "nama", "bulan", "nilai")
    for s in figures.services:
        for metric, value in (
            ("terbuka", s.open),
            ("melewati_norma", s.overdue),
            ("menunggu_pengguna", s.waiting),
            ("norma_jam_kerja", s.norm_hours),
            ("median_jam_kerja_selesai", s.median_hours),
            ("survei_jumlah", s.survey_count),
            ("survei_rata_rata", s.survey_average),
        ):
            yield tuple(neutralise(v) for v in (metric, s.code, s.name, "", value))
        for m in figures.months:
            for metric, value in (
                ("selesai", s.resolved.get(m.key, 0)),  # a metric name, like the others
                ("selesai_dalam_norma", s.compliant.get(m.key, 0)),
                ("persen_dalam_norma", s.percent(m.key)),
            ):
                yield tuple(neutralise(v) for v in (metric, s.code, s.name, m.key, value))
    for key, count in figures.channels.items():
        yield tuple(neutralise(v) for v in ("kanal", key, channel_labels.get(key, key), "", count))
