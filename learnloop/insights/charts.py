"""Datasets behind every chart, their Vega-Lite charts (built with Altair, rendered to SVG or
PNG on the server by vl-convert: no JavaScript, nothing to relax in the CSP, the same images in
the pages, the exports and the digest e-mail) and their CSV and XLSX exports."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from typing import Any

import altair as alt

from learnloop.uploads.export import csv_writer, xlsx_bytes

WIDTH, HEIGHT = 560, 220
PERCENT_KEYS = {"share", "rate", "readiness", "active_share", "assigned_rate", "voluntary_rate"}


@dataclass
class Dataset:
    name: str
    title: str
    description: str
    columns: list[tuple[str, str]]  # (key, header)
    rows: list[dict[str, Any]]
    kind: str  # line | bar | funnel | heatmap | grouped
    x: str = ""
    y: str = ""
    color: str = ""
    y_format: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_data(self) -> bool:
        return any(row.get(self.y) is not None for row in self.rows) if self.y else bool(self.rows)

    def values(self) -> list[dict[str, Any]]:
        return [
            {k: _plain(v) for k, v in row.items()}
            for row in self.rows
            if self.y == "" or row.get(self.y) is not None
        ]

    def table(self) -> list[list[str]]:
        """The rows as text for the page's table fallback ("withheld" where suppressed)."""
        out = []
        for row in self.rows:
            cells = []
            for key, _ in self.columns:
                value = row.get(key)
                if value is None and row.get("suppressed"):
                    cells.append("withheld")
                elif key in PERCENT_KEYS and isinstance(value, int | float):
                    cells.append(f"{value * 100:.0f}%")
                else:
                    cells.append(_cell(value))
            out.append(cells)
        return out

    def spec(self) -> dict[str, Any]:
        data = alt.Data(values=self.values())
        base = alt.Chart(data).properties(
            title=self.title, description=self.description, width=WIDTH, height=HEIGHT
        )
        y_axis = alt.Axis(format=self.y_format) if self.y_format else alt.Axis()
        if self.kind == "line":
            x_type = "T" if self.extra.get("temporal", True) else "O"
            enc: dict[str, Any] = {
                "x": alt.X(f"{self.x}:{x_type}", title=self.extra.get("x_title", "")),
                "y": alt.Y(f"{self.y}:Q", title=self.extra.get("y_title", ""), axis=y_axis),
            }
            if self.color:
                enc["color"] = alt.Color(f"{self.color}:N", title="")
                enc["strokeDash"] = alt.StrokeDash(f"{self.color}:N", title="")
            chart = base.mark_line(point=True).encode(**enc)
        elif self.kind == "heatmap":
            chart = (
                base.mark_rect()
                .encode(
                    x=alt.X(f"{self.x}:O", title="", timeUnit="yearmonth"),
                    y=alt.Y(f"{self.color}:N", title=""),
                    color=alt.Color(
                        f"{self.y}:Q",
                        title=self.extra.get("y_title", ""),
                        scale=alt.Scale(scheme="blues"),
                        legend=alt.Legend(format=self.y_format or ""),
                    ),
                )
                .properties(height=max(HEIGHT, 24 * len({r.get(self.color) for r in self.rows})))
            )
        elif self.kind == "funnel":
            chart = base.mark_bar().encode(
                y=alt.Y(f"{self.x}:N", sort=self.extra.get("order"), title=""),
                x=alt.X(f"{self.y}:Q", title=self.extra.get("y_title", "")),
                color=alt.Color(f"{self.color}:N", title=""),
                yOffset=alt.YOffset(f"{self.color}:N"),
            )
        else:  # bar
            enc = {
                "x": alt.X(
                    f"{self.x}:{'T' if self.extra.get('temporal') else 'N'}",
                    sort=self.extra.get("order"),
                    title=self.extra.get("x_title", ""),
                ),
                "y": alt.Y(f"{self.y}:Q", title=self.extra.get("y_title", ""), axis=y_axis),
            }
            if self.color:
                enc["color"] = alt.Color(f"{self.color}:N", title="")
                enc["xOffset"] = alt.XOffset(f"{self.color}:N")
            chart = base.mark_bar().encode(**enc)
        spec: dict[str, Any] = chart.to_dict()
        return spec


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# -- the datasets of a dashboard -----------------------------------------------------------


def dashboard_datasets(
    data: dict[str, Any], climate: dict[str, Any] | None = None, drill: dict[str, Any] | None = None
) -> dict[str, Dataset]:
    k = data.get("k", 5)
    hidden = f"Values for fewer than {k} people are withheld (blank)."
    out: dict[str, Dataset] = {}
    if not data.get("allowed"):
        return out
    out["active"] = Dataset(
        "active",
        "Active learners per week",
        f"Share of the people employed each week with at least one learning activity. {hidden}",
        [
            ("week", "Week"),
            ("headcount", "Headcount"),
            ("active", "Active learners"),
            ("share", "Share active"),
            ("hours", "Learning hours"),
            ("hours_per_learner", "Hours per active learner"),
        ],
        data["weekly"],
        "line",
        x="week",
        y="share",
        y_format="%",
        extra={"y_title": "Share active"},
    )
    out["hours"] = Dataset(
        "hours",
        "Learning hours per week",
        f"Hours recorded on completed learning and mentoring sessions each week. {hidden}",
        [
            ("week", "Week"),
            ("hours", "Learning hours"),
            ("active", "Active learners"),
            ("hours_per_learner", "Hours per active learner"),
        ],
        data["weekly"],
        "bar",
        x="week",
        y="hours",
        extra={"temporal": True, "y_title": "Hours"},
    )
    trend = [r | {"kind": r["kind"].capitalize()} for r in data["completion"]["trend"]]
    out["completion"] = Dataset(
        "completion",
        "Completion rate by month of enrolment",
        f"Share of enrolments started each month that are completed, assigned and voluntary separately. {hidden}",
        [
            ("month", "Month"),
            ("kind", "Kind"),
            ("enrolled", "Enrolled"),
            ("completed", "Completed"),
            ("rate", "Completion rate"),
        ],
        trend,
        "line",
        x="month",
        y="rate",
        color="kind",
        y_format="%",
        extra={"y_title": "Completion rate"},
    )
    funnel = []
    for kind in ("assigned", "voluntary"):
        block = data["completion"][kind]
        for stage in ("enrolled", "started", "completed", "passed"):
            funnel.append(
                {"stage": stage.capitalize(), "kind": kind.capitalize(), "count": block.get(stage)}
            )
    out["funnel"] = Dataset(
        "funnel",
        "Learning funnel",
        f"Enrolments in the period that were started, completed and passed (quiz), assigned and voluntary. {hidden}",
        [("kind", "Kind"), ("stage", "Stage"), ("count", "Enrolments")],
        funnel,
        "funnel",
        x="stage",
        y="count",
        color="kind",
        extra={"order": ["Enrolled", "Started", "Completed", "Passed"], "y_title": "Enrolments"},
    )
    out["proficiency"] = Dataset(
        "proficiency",
        "Time to proficiency",
        f"How long enrolments took to reach the mastery threshold on the skills they teach. {hidden}",
        [("bucket", "Time to proficiency"), ("count", "Enrolments")],
        data["proficiency"]["histogram"],
        "bar",
        x="bucket",
        y="count",
        extra={"order": [b[2] for b in _buckets()], "y_title": "Enrolments"},
    )
    out["distribution"] = Dataset(
        "distribution",
        "Learning hours per learner",
        f"How many active learners logged how many hours in the period. {hidden}",
        [("bucket", "Hours in the period"), ("people", "Learners")],
        data["hours_distribution"],
        "bar",
        x="bucket",
        y="people",
        extra={"order": None, "y_title": "Learners"},
    )
    out["readiness"] = Dataset(
        "readiness",
        "Skill readiness for current roles",
        f"Mean share of their role profile's targets that people meet at each month end (gap closure is its rise). {hidden}",
        [
            ("month_end", "Month end"),
            ("people", "People with a role profile"),
            ("readiness", "Mean readiness"),
        ],
        data["readiness"]["trend"],
        "line",
        x="month_end",
        y="readiness",
        y_format="%",
        extra={"y_title": "Readiness"},
    )
    out["mentoring"] = Dataset(
        "mentoring",
        "Mentoring sessions per month",
        f"Sessions held by mentoring pairs involving the group, per month. {hidden}",
        [("month", "Month"), ("pairs", "Pairs meeting"), ("sessions", "Sessions")],
        data["mentoring"]["trend"],
        "bar",
        x="month",
        y="sessions",
        extra={"temporal": True, "y_title": "Sessions"},
    )
    conv = []
    for row in data["conversations"]["trend"]:
        conv.append(
            {
                "month": row["month"],
                "measure": "Feedback given per person",
                "value": row.get("feedback_per_person"),
            }
        )
        conv.append(
            {
                "month": row["month"],
                "measure": "1:1s held per report",
                "value": row.get("checkins_per_report"),
            }
        )
    out["conversations"] = Dataset(
        "conversations",
        "Feedback and 1:1 check-ins per month",
        f"Feedback given per person and 1:1 check-ins held per report with a 1:1 series, per month. {hidden}",
        [("month", "Month"), ("measure", "Measure"), ("value", "Value")],
        conv,
        "line",
        x="month",
        y="value",
        color="measure",
        extra={"y_title": "Per person"},
    )
    retention = []
    for key, label in (("learners", "Learners"), ("non_learners", "Non-learners")):
        block = data["retention"][key]
        retention.append(
            {
                "group": label,
                "people": block["people"],
                "retained": block["retained"],
                "rate": block["rate"],
            }
        )
    out["retention"] = Dataset(
        "retention",
        "Retention of learners and non-learners",
        "Share of the people employed at the start of the period still employed at its end, for those who "
        "completed learning in the year before and for the others. An association, not a cause. "
        + hidden,
        [
            ("group", "Group"),
            ("people", "People"),
            ("retained", "Still employed"),
            ("rate", "Retention"),
        ],
        retention,
        "bar",
        x="group",
        y="rate",
        y_format="%",
        extra={"y_title": "Retention"},
    )
    if climate is not None:
        out["climate"] = Dataset(
            "climate",
            "Psychological safety and learning climate",
            "Mean score of each closed pulse, as released by the surveys app for your view "
            "(groups below its minimum, or open to differencing, stay hidden).",
            [
                ("closed", "Closed on"),
                ("instrument", "Survey"),
                ("pulse", "Pulse"),
                ("respondents", "Respondents"),
                ("mean", "Mean score"),
                ("favourable", "Favourable %"),
            ],
            climate.get("series", []),
            "line",
            x="closed",
            y="mean",
            color="instrument",
            extra={"y_title": "Mean score"},
        )
    if drill is not None and drill.get("allowed"):
        out["breakdown"] = Dataset(
            "breakdown",
            "Drill-down",
            f"The group split one level down. {hidden} Further rows may be withheld so that no withheld value can be worked out by subtraction.",
            [
                ("label", "Group"),
                ("headcount", "Headcount"),
                ("active", "Active learners"),
                ("active_share", "Share active"),
                ("hours_per_learner", "Hours per learner"),
                ("assigned_rate", "Assigned completion"),
                ("voluntary_rate", "Voluntary completion"),
                ("readiness", "Readiness"),
            ],
            drill["rows"],
            "bar",
            x="label",
            y="active_share",
            y_format="%",
            extra={"order": None, "y_title": "Share active"},
        )
        out["heatmap"] = Dataset(
            "heatmap",
            "Active learners by group and month",
            f"Share of each shown group active each month. {hidden}",
            [("group", "Group"), ("month", "Month"), ("share", "Share active")],
            drill["heatmap"],
            "heatmap",
            x="month",
            y="share",
            color="group",
            y_format="%",
            extra={"y_title": "Share active"},
        )
    return out


def personal_datasets(data: dict[str, Any]) -> dict[str, Dataset]:
    return {
        "my_hours": Dataset(
            "my_hours",
            "Your learning hours per week",
            "Hours you recorded on completed learning and mentoring sessions each week.",
            [("week", "Week"), ("hours", "Hours")],
            data["weekly"],
            "bar",
            x="week",
            y="hours",
            extra={"temporal": True, "y_title": "Hours"},
        ),
        "my_readiness": Dataset(
            "my_readiness",
            "Your readiness for your role",
            "Share of your role profile's skill targets you meet at each month end.",
            [("month_end", "Month end"), ("readiness", "Readiness")],
            data["readiness"]["trend"],
            "line",
            x="month_end",
            y="readiness",
            y_format="%",
            extra={"y_title": "Readiness"},
        ),
    }


def content_dataset(rows: list[dict[str, Any]], k: int) -> Dataset:
    return Dataset(
        "content",
        "Programs and content",
        f"Enrolments in the period per item. Items with fewer than {k} learners show no rates.",
        [
            ("name", "Item"),
            ("type", "Type"),
            ("enrolled", "Enrolments"),
            ("people", "Learners"),
            ("completed", "Completed"),
            ("rate", "Completion rate"),
            ("rating", "Mean rating"),
            ("hours", "Hours to complete"),
            ("spend", "Spend"),
        ],
        [r | {"type": str(r.get("type") or "").rsplit("/", 1)[-1]} for r in rows],
        "bar",
        x="name",
        y="enrolled",
        extra={"order": None, "y_title": "Enrolments"},
    )


def _buckets() -> tuple[tuple[int, int, str], ...]:
    from learnloop.insights.engine.kpis import BUCKETS

    return BUCKETS


# -- rendering and export ------------------------------------------------------------------


def render(dataset: Dataset, fmt: str) -> bytes:
    import vl_convert

    spec = dataset.spec()
    if fmt == "svg":
        return str(vl_convert.vegalite_to_svg(spec)).encode()
    return bytes(vl_convert.vegalite_to_png(spec, scale=2))


def to_csv(dataset: Dataset) -> bytes:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow([header for _, header in dataset.columns])
    for row in dataset.rows:
        writer.writerow([_cell(row.get(key)) for key, _ in dataset.columns])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(dataset: Dataset) -> bytes:
    header = [header for _, header in dataset.columns]
    rows = ([row.get(key) for key, _ in dataset.columns] for row in dataset.rows)
    return xlsx_bytes(dataset.name, [header, *rows])
