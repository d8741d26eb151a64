"""Incremental refresh: the statements stored since the watermark become a delta of the facts.

Reads the LRS tables only (never the learning or mentoring apps' tables), following the
"Learning and mentoring" contract of docs/xapi-profile.md; people, skills and feedback tables
give the dimensions. Three narrow SQL passes per id range: an activity count per actor and
day, a count per registration and verb for the verbs whose payload does not matter, and the
JSON of the few statements whose payload does (enrolled, completed, rated, mentored, mentoring
progress). See docs/insights.md.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from django.conf import settings
from django.db import connection
from django.utils import timezone

from learnloop.insights.engine import durations
from learnloop.insights.engine.store import Delta, Store
from learnloop.people.models import Employee
from learnloop.xapi import profile
from learnloop.xapi.engine.statements import VOIDED
from learnloop.xapi.models import Agent, Statement, Verb

# Verbs that make someone an active learner that day.
ACTIVE_VERBS = (
    profile.LAUNCHED,
    profile.PROGRESSED,
    profile.COMPLETED,
    profile.ANSWERED,
    profile.PASSED,
    profile.FAILED,
    profile.MENTORED,
)
# Verbs counted per registration without reading their JSON.
COUNTED_VERBS = (
    profile.LAUNCHED,
    profile.PROGRESSED,
    profile.ANSWERED,
    profile.PASSED,
    profile.FAILED,
)
# Verbs whose JSON is read.
PARSED_VERBS = (profile.ENROLLED, profile.COMPLETED, profile.RATED, profile.MENTORED)
MENTORING_MARK = "/mentoring.relationship/"
DEFAULT_MASTERY = 3
BATCH = 1_000_000
MONTHS_OF_HISTORY = 24


def store_directory() -> Path:
    configured = getattr(settings, "INSIGHTS_DIR", None)
    if configured:
        return Path(configured)
    # One directory per database, so a test database never mixes with the real one.
    name = str(connection.settings_dict.get("NAME") or "default")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", Path(name).name).strip("-")[:40]
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return Path(settings.DATA_DIR) / "insights" / f"{slug}-{digest}"


def store() -> Store:
    return Store(store_directory())


@dataclass
class Report:
    statements: int = 0
    rebuilt: int = 0
    seconds: float = 0.0
    watermark: int = 0
    version: int = 0
    full: bool = False
    rows: dict[str, int] = field(default_factory=dict)


# -- SQL dialect ---------------------------------------------------------------------------


def _sql() -> dict[str, str]:
    if connection.vendor == "postgresql":
        return {
            "day": "to_char(s.timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
            "ts": "to_char(s.timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')",
            "reg": "replace(s.registration::text, '-', '')",
        }
    return {
        "day": "substr(s.timestamp, 1, 10)",
        "ts": "substr(s.timestamp, 1, 19)",
        "reg": "replace(s.registration, '-', '')",
    }


def _in(ids: Iterable[int]) -> str:
    values = sorted({int(i) for i in ids})
    return "(" + (", ".join(str(v) for v in values) or "NULL") + ")"


# -- who is who ----------------------------------------------------------------------------


def _email_of_ifi(ifi: str) -> str | None:
    if ifi.startswith("mbox|mailto:"):
        return ifi[len("mbox|mailto:") :].lower()
    return None


class People:
    """Agent id → employee id, through the user's e-mail (the recorder's mbox)."""

    def __init__(self) -> None:
        by_email = {
            email.lower(): employee_id
            for email, employee_id in Employee.objects.values_list("user__email", "pk")
        }
        self.by_email = by_email
        self.by_agent: dict[int, int] = {}
        for agent_id, ifi in Agent.objects.filter(ifi__startswith="mbox|mailto:").values_list(
            "pk", "ifi"
        ):
            email = _email_of_ifi(ifi)
            if email is not None and email in by_email:
                self.by_agent[agent_id] = by_email[email]

    def of_agent_json(self, agent: Any) -> int | None:
        if isinstance(agent, dict) and isinstance(agent.get("mbox"), str):
            local, _, domain = agent["mbox"].removeprefix("mailto:").partition("@")
            return self.by_email.get(f"{local}@{domain}".lower())
        return None


# -- the passes ----------------------------------------------------------------------------


class Pass:
    def __init__(self, people: People, delta: Delta) -> None:
        self.people = people
        self.delta = delta
        self.verbs = dict(
            Verb.objects.filter(
                iri__in=[v.iri for v in (*ACTIVE_VERBS, *PARSED_VERBS, *COUNTED_VERBS)] + [VOIDED]
            ).values_list("iri", "pk")
        )
        self.sql = _sql()
        self.table = Statement._meta.db_table
        self.activity_table = "xapi_activity"

    def ids(self, verbs: Iterable[profile.Verb]) -> str:
        return _in(self.verbs[v.iri] for v in verbs if v.iri in self.verbs)

    def _mentoring_objects(self) -> str:
        return f"(SELECT id FROM {self.activity_table} WHERE iri LIKE '%%{MENTORING_MARK}%%')"

    def activity(self, where: str, params: list[Any]) -> int:
        """Events per employee and day (the statement's own timestamp, UTC)."""
        query = (
            f"SELECT s.actor_id, {self.sql['day']}, COUNT(*) FROM {self.table} s "
            f"WHERE {where} AND s.voided = %s AND s.verb_id IN {self.ids(ACTIVE_VERBS)} "
            f"GROUP BY s.actor_id, {self.sql['day']}"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, [*params, False])
            rows = cursor.fetchall()
        by_agent = self.people.by_agent
        employees, days, events = [], [], []
        total = 0
        for actor, day, count in rows:
            total += count
            employee = by_agent.get(actor)
            if employee is not None:
                employees.append(employee)
                days.append(day)
                events.append(count)
        self.delta.extend(
            "activity",
            {"employee_id": employees, "day": days, "events": events, "seconds": [0.0] * len(days)},
        )
        return total

    def counted(self, where: str, params: list[Any], skip: set[str]) -> None:
        """Per registration: first and last activity, quiz passes and failures, event count."""
        launched = {
            self.verbs.get(v.iri) for v in (profile.LAUNCHED, profile.PROGRESSED, profile.ANSWERED)
        }
        passed, failed = self.verbs.get(profile.PASSED.iri), self.verbs.get(profile.FAILED.iri)
        query = (
            f"SELECT {self.sql['reg']}, s.actor_id, s.verb_id, MIN({self.sql['ts']}), "
            f"MAX({self.sql['ts']}), COUNT(*) FROM {self.table} s "
            f"WHERE {where} AND s.voided = %s AND s.registration IS NOT NULL "
            f"AND s.verb_id IN {self.ids(COUNTED_VERBS)} "
            f"AND (s.object_activity_id IS NULL OR s.object_activity_id NOT IN {self._mentoring_objects()}) "
            f"GROUP BY {self.sql['reg']}, s.actor_id, s.verb_id"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, [*params, False])
            rows = cursor.fetchall()
        by_agent = self.people.by_agent
        cols: dict[str, list[Any]] = defaultdict(list)
        for registration, actor, verb, first, last, count in rows:
            employee = by_agent.get(actor)
            if employee is None or registration in skip:
                continue
            cols["registration"].append(registration)
            cols["employee_id"].append(employee)
            cols["started_at"].append(first if verb in launched else None)
            cols["last_at"].append(last)
            cols["passed"].append(count if verb == passed else 0)
            cols["failed"].append(count if verb == failed else 0)
            cols["rating_n"].append(0)
            cols["events"].append(count)
        if cols:
            self.delta.extend("enrollments", cols)

    def parsed(self, where: str, params: list[Any], skip: set[str], *, with_activity: bool) -> None:
        """The statements whose JSON matters."""
        query = (
            f"SELECT s.actor_id, s.verb_id, {self.sql['reg']}, {self.sql['ts']}, s.data "
            f"FROM {self.table} s WHERE {where} AND s.voided = %s AND ("
            f"s.verb_id IN {self.ids(PARSED_VERBS)} OR (s.verb_id IN {self.ids([profile.PROGRESSED])} "
            f"AND s.object_activity_id IN {self._mentoring_objects()}))"
        )
        names = {pk: iri for iri, pk in self.verbs.items()}
        with connection.cursor() as cursor:
            cursor.execute(query, [*params, False])
            while True:
                rows = cursor.fetchmany(20_000)
                if not rows:
                    break
                for actor, verb, registration, ts, data in rows:
                    if registration in skip:
                        continue
                    employee = self.people.by_agent.get(actor)
                    if employee is None:
                        continue
                    self._one(
                        employee, names[verb], registration, ts, orjson.loads(data), with_activity
                    )

    def _one(
        self,
        employee: int,
        verb: str,
        registration: str | None,
        ts: str,
        statement: dict[str, Any],
        with_activity: bool,
    ) -> None:
        obj = statement.get("object") or {}
        definition = obj.get("definition") or {}
        object_id = str(obj.get("id", ""))
        context = statement.get("context") or {}
        extensions = context.get("extensions") or {}
        result = statement.get("result") or {}
        day = ts[:10]
        mentoring = (
            MENTORING_MARK in object_id or definition.get("type") == profile.MENTORING_RELATIONSHIP
        )
        if verb == profile.MENTORED.iri:
            seconds = durations.seconds(result.get("duration"))
            mentee = self.people.of_agent_json(extensions.get(profile.MENTEE))
            if registration:
                self.delta.add(
                    "pairs", registration=registration, mentor_id=employee, mentee_id=mentee
                )
                self.delta.add(
                    "sessions", registration=registration, day=day, sessions=1, seconds=seconds
                )
            if with_activity:
                self.delta.add("activity", employee_id=employee, day=day, events=0, seconds=seconds)
                if mentee is not None:
                    self.delta.add(
                        "activity", employee_id=mentee, day=day, events=1, seconds=seconds
                    )
            return
        if registration is None:
            return
        if mentoring:
            program = extensions.get(profile.MENTORING_PROGRAM_EXT)
            if verb == profile.ENROLLED.iri:
                self.delta.add(
                    "pairs",
                    registration=registration,
                    mentee_id=employee,
                    program=program,
                    started_at=ts,
                )
            elif verb == profile.COMPLETED.iri:
                self.delta.add(
                    "pairs",
                    registration=registration,
                    mentee_id=employee,
                    program=program,
                    completed_at=ts,
                )
            elif verb == profile.PROGRESSED.iri:
                progress = (result.get("extensions") or {}).get(profile.PROGRESS)
                if isinstance(progress, int | float):
                    self.delta.add(
                        "pairs",
                        registration=registration,
                        mentee_id=employee,
                        program=program,
                        progress=float(min(max(progress, 0.0), 1.0)),
                        progress_at=ts,
                    )
            return
        row: dict[str, Any] = {
            "registration": registration,
            "employee_id": employee,
            "source": extensions.get(profile.ENROLLMENT_SOURCE),
            "last_at": ts,
            "passed": 0,
            "failed": 0,
            "rating_n": 0,
            "events": 1,
        }
        if verb == profile.ENROLLED.iri:
            name = definition.get("name") or {}
            skills = extensions.get(profile.SKILLS)
            cost = extensions.get(profile.COST)
            row |= {
                "item": object_id,
                "item_type": definition.get("type"),
                "item_name": (name.get("en") or next(iter(name.values()), None))
                if isinstance(name, dict)
                else None,
                "enrolled_at": ts,
                "due_date": _date(extensions.get(profile.DUE_DATE)),
                "cost": float(cost) if isinstance(cost, int | float) else None,
                "skills": " ".join(str(s) for s in skills)
                if isinstance(skills, list) and skills
                else None,
            }
        elif verb == profile.COMPLETED.iri:
            if result.get("completion") is False:
                return
            seconds = durations.seconds(result.get("duration"))
            skills = extensions.get(profile.SKILLS)
            row |= {
                "completed_at": ts,
                "duration_s": seconds,
                "item": object_id,
                "skills": " ".join(str(s) for s in skills)
                if isinstance(skills, list) and skills
                else None,
            }
            if with_activity and seconds:
                self.delta.add("activity", employee_id=employee, day=day, events=0, seconds=seconds)
        elif verb == profile.RATED.iri:
            raw = (result.get("score") or {}).get("raw")
            if not isinstance(raw, int | float):
                return
            row |= {"rating_sum": float(raw), "rating_n": 1}
        self.delta.add("enrollments", **row)


def _date(value: object) -> str | None:
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            return None
    return None


# -- voiding -------------------------------------------------------------------------------


def _voids(step: Pass, low: int, high: int, watermark: int) -> set[str]:
    """Registrations to rebuild, and negative activity for voided statements already folded in."""
    voided_verb = step.verbs.get(VOIDED)
    if voided_verb is None:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.object_statement FROM {step.table} s WHERE s.id > %s AND s.id <= %s "
            "AND s.verb_id = %s AND s.object_statement IS NOT NULL",
            [low, high, voided_verb],
        )
        targets = [row[0] for row in cursor.fetchall()]
    if not targets:
        return set()
    rebuild: set[str] = set()
    active = {step.verbs.get(v.iri) for v in ACTIVE_VERBS}
    parsed = {step.verbs.get(v.iri) for v in (profile.COMPLETED, profile.MENTORED)}
    names = {pk: iri for iri, pk in step.verbs.items()}
    for target in Statement.objects.filter(statement_id__in=targets, id__lte=watermark).values(
        "actor_id", "verb_id", "registration", "timestamp", "data"
    ):
        if target["registration"] is not None:
            rebuild.add(target["registration"].hex)
        employee = step.people.by_agent.get(target["actor_id"])
        if employee is None or target["verb_id"] not in active:
            continue
        day = target["timestamp"].astimezone(datetime.UTC).date().isoformat()
        seconds = 0.0
        if target["verb_id"] in parsed:
            statement = orjson.loads(target["data"])
            seconds = durations.seconds((statement.get("result") or {}).get("duration"))
            if names[target["verb_id"]] == profile.MENTORED.iri:
                mentee = step.people.of_agent_json(
                    ((statement.get("context") or {}).get("extensions") or {}).get(profile.MENTEE)
                )
                if mentee is not None:
                    step.delta.add(
                        "activity", employee_id=mentee, day=day, events=-1, seconds=-seconds
                    )
        step.delta.add("activity", employee_id=employee, day=day, events=-1, seconds=-seconds)
    return rebuild


# -- the refresh ---------------------------------------------------------------------------


def _watermark_valid(manifest: dict[str, Any]) -> bool:
    """The facts belong to this database: the watermark statement is still there, same id."""
    watermark = manifest.get("watermark", 0)
    if not watermark:
        return "version" in manifest
    found = Statement.objects.filter(pk=watermark).values_list("statement_id", flat=True).first()
    return found is not None and str(found) == manifest.get("watermark_uuid")


def refresh(
    *,
    now: datetime.datetime | None = None,
    today: datetime.date | None = None,
    lag_seconds: int | None = None,
    batch: int = BATCH,
) -> Report:
    """Fold the statements stored since the last refresh into the facts, then rebuild the
    dimension tables and bump the version (which invalidates every cached dashboard).

    Statements stored in the last ``lag_seconds`` wait for the next refresh: a transaction
    still open when the refresh reads may commit a lower id later.
    """
    started = time.perf_counter()
    lag = (
        getattr(settings, "INSIGHTS_REFRESH_LAG_SECONDS", 5) if lag_seconds is None else lag_seconds
    )
    now = now or timezone.now()
    facts = store()
    report = Report()
    with facts.lock():
        manifest = facts.manifest()
        if not _watermark_valid(manifest):
            facts.reset()
            manifest = {}
            report.full = True
        watermark = int(manifest.get("watermark", 0))
        upper_row = (
            Statement.objects.filter(
                id__gt=watermark, stored__lte=now - datetime.timedelta(seconds=lag)
            )
            .order_by("-id")
            .values_list("id", "statement_id")
            .first()
        )
        people = People()
        delta = Delta()
        step = Pass(people, delta)
        if upper_row is not None:
            upper = upper_row[0]
            rebuild = _voids(step, watermark, upper, watermark)
            low = watermark
            while low < upper:
                high = min(low + batch, upper)
                where, params = "s.id > %s AND s.id <= %s", [low, high]
                report.statements += step.activity(where, params)
                step.counted(where, params, rebuild)
                step.parsed(where, params, rebuild, with_activity=True)
                delta.flush()
                low = high
            for chunk in _chunks(sorted(rebuild), 500):
                regs = ", ".join(f"'{r}'" for r in chunk if re.fullmatch(r"[0-9a-f]{32}", r))
                where = f"{step.sql['reg']} IN ({regs}) AND s.id <= %s"
                step.counted(where, [upper], set())
                step.parsed(where, [upper], set(), with_activity=False)
            report.rebuilt = len(rebuild)
            report.rows = facts.merge(delta, rebuild)
            manifest["watermark"] = upper
            manifest["watermark_uuid"] = str(upper_row[1])
        delta.close()
        _dimensions(facts, today or now.date())
        # A new store gets a new identity, so no cached dashboard of an older one is reused.
        manifest.setdefault("store_id", uuid.uuid4().hex)
        manifest["version"] = int(manifest.get("version", 0)) + 1
        manifest["refreshed_at"] = now.isoformat()
        facts.write_manifest(manifest)
        report.watermark = int(manifest.get("watermark", 0))
        report.version = manifest["version"]
    report.seconds = time.perf_counter() - started
    return report


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# -- dimensions ----------------------------------------------------------------------------


def _month_ends(today: datetime.date, months: int) -> list[datetime.date]:
    ends = []
    year, month = today.year, today.month
    for _ in range(months):
        first_next = datetime.date(year + (month == 12), month % 12 + 1, 1)
        ends.append(min(first_next - datetime.timedelta(days=1), today))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(ends)


def _dimensions(facts: Store, today: datetime.date) -> None:
    from learnloop.feedback.models import CheckIn, Feedback, FeedbackRequest
    from learnloop.skills.models import RoleRequirement, Skill, SkillClaim

    rows = list(
        Employee.objects.values_list(
            "pk",
            "organization_id",
            "department_id",
            "department__path",
            "job_role_id",
            "location_id",
            "manager_path",
            "hire_date",
            "leave_date",
        )
    )
    names = [
        "id",
        "organization_id",
        "department_id",
        "department_path",
        "job_role_id",
        "location_id",
        "manager_path",
        "hire_date",
        "leave_date",
    ]
    facts.replace("employees", {n: [r[i] for r in rows] for i, n in enumerate(names)})

    claims = list(
        SkillClaim.objects.filter(withdrawn=False).values_list(
            "pk", "employee_id", "skill_id", "level", "observed_on"
        )
    )
    requirements = list(
        RoleRequirement.objects.filter(profile__job_role__isnull=False).values_list(
            "profile__job_role_id", "skill_id", "target_level", "weight"
        )
    )
    skill_uris: dict[str, int] = {}
    skill_ids = {c[2] for c in claims}
    for pk, uri in Skill.objects.filter(pk__in=skill_ids).values_list("pk", "uri"):
        skill_uris[profile.activity_iri("skills.skill", pk)] = pk
        if uri:
            skill_uris[uri] = pk
    con = facts.connect()
    try:
        con.register(
            "claims",
            {
                "id": np.array([c[0] for c in claims], dtype=np.int64),
                "employee_id": np.array([c[1] for c in claims], dtype=np.int64),
                "skill_id": np.array([c[2] for c in claims], dtype=np.int64),
                "level": np.array([c[3] for c in claims], dtype=np.float64),
                "observed_on": np.array([c[4].isoformat() for c in claims], dtype=object),
            },
        )
        con.register(
            "requirements",
            {
                "job_role_id": np.array([r[0] for r in requirements], dtype=np.int64),
                "skill_id": np.array([r[1] for r in requirements], dtype=np.int64),
                "target": np.array([r[2] for r in requirements], dtype=np.float64),
                "weight": np.array([r[3] for r in requirements], dtype=np.float64),
            },
        )
        con.register(
            "month_ends",
            {
                "month_end": np.array(
                    [d.isoformat() for d in _month_ends(today, MONTHS_OF_HISTORY)], dtype=object
                )
            },
        )
        con.register(
            "skill_uris",
            {
                "uri": np.array(list(skill_uris), dtype=object),
                "skill_id": np.array(list(skill_uris.values()), dtype=np.int64),
            },
        )
        for table, unit, column in (
            ("activity_weeks", "week", "week"),
            ("activity_months", "month", "month"),
        ):
            facts.write(
                con,
                table,
                f"""SELECT employee_id, date_trunc('{unit}', day)::DATE AS {column},
                           sum(events)::INTEGER AS events, sum(seconds) AS seconds
                    FROM activity GROUP BY ALL HAVING sum(events) > 0 OR sum(seconds) > 0
                    ORDER BY employee_id, {column}""",
            )
        # Readiness at each month end: weighted share of the role's targets met by the best
        # level evidenced so far (docs/insights.md, "Skill-gap closure").
        facts.write(
            con,
            "readiness",
            """
            WITH c AS (SELECT employee_id, skill_id, level, CAST(observed_on AS DATE) AS observed_on FROM claims),
            m AS (SELECT CAST(month_end AS DATE) AS month_end FROM month_ends),
            er AS (
                SELECT e.id AS employee_id, r.skill_id, r.target, r.weight
                FROM employees e JOIN requirements r ON r.job_role_id = e.job_role_id
                WHERE r.target > 0
            ),
            best AS (
                SELECT er.employee_id, m.month_end, er.skill_id, er.target, er.weight,
                       max(c.level) AS level
                FROM er CROSS JOIN m
                LEFT JOIN c ON c.employee_id = er.employee_id AND c.skill_id = er.skill_id
                           AND c.observed_on <= m.month_end
                GROUP BY ALL
            )
            SELECT employee_id, month_end,
                   sum(weight * least(coalesce(level, 0) / target, 1.0)) / sum(weight) AS readiness
            FROM best GROUP BY employee_id, month_end ORDER BY employee_id, month_end
        """,
        )
        # Levels gained: each claim's rise above the best level evidenced before it.
        facts.write(
            con,
            "gains",
            """
            WITH c AS (
                SELECT employee_id, skill_id, level, CAST(observed_on AS DATE) AS day,
                       max(level) OVER (PARTITION BY employee_id, skill_id ORDER BY observed_on, id
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
                FROM claims
            )
            SELECT employee_id, day, sum(greatest(level - coalesce(before, 0), 0)) AS levels
            FROM c GROUP BY employee_id, day HAVING levels > 0 ORDER BY employee_id, day
        """,
        )
        # Time to proficiency: from enrolment in an item teaching a skill to the first claim at
        # the mastery threshold (the role's target for that skill, else level 3); people already
        # at the threshold before enrolling are left out.
        facts.write(
            con,
            "proficiency",
            f"""
            WITH es AS (
                SELECT e.employee_id, e.registration, u.skill, e.enrolled_at
                FROM enrollments e, unnest(string_split(e.skills, ' ')) AS u(skill)
                WHERE e.skills IS NOT NULL AND e.enrolled_at IS NOT NULL AND e.employee_id IS NOT NULL
            ),
            es2 AS (
                SELECT es.*, su.skill_id, coalesce(r.target, {DEFAULT_MASTERY}) AS threshold
                FROM es JOIN skill_uris su ON su.uri = es.skill
                LEFT JOIN employees p ON p.id = es.employee_id
                LEFT JOIN requirements r ON r.job_role_id = p.job_role_id AND r.skill_id = su.skill_id
            ),
            c AS (SELECT employee_id, skill_id, level, CAST(observed_on AS DATE) AS observed_on FROM claims)
            SELECT es2.employee_id, es2.registration, es2.skill, es2.enrolled_at AS started_at,
                   min(c.observed_on) FILTER (WHERE c.observed_on >= CAST(es2.enrolled_at AS DATE)) AS reached_on
            FROM es2 LEFT JOIN c ON c.employee_id = es2.employee_id AND c.skill_id = es2.skill_id
                                AND c.level >= es2.threshold
            GROUP BY ALL
            HAVING count(c.observed_on) FILTER (WHERE c.observed_on < CAST(es2.enrolled_at AS DATE)) = 0
        """,
        )
    finally:
        con.close()

    since = datetime.date(today.year - MONTHS_OF_HISTORY // 12 - 1, today.month, 1)
    counts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for giver, recipient, at in Feedback.objects.filter(created_at__date__gte=since).values_list(
        "giver_id", "recipient_id", "created_at"
    ):
        month = at.date().replace(day=1).isoformat()
        counts[(giver, month)][0] += 1
        counts[(recipient, month)][1] += 1
    for requester, at in FeedbackRequest.objects.filter(created_at__date__gte=since).values_list(
        "requester_id", "created_at"
    ):
        counts[(requester, at.date().replace(day=1).isoformat())][2] += 1
    keys = list(counts)
    facts.replace(
        "feedback",
        {
            "employee_id": [k[0] for k in keys],
            "month": [k[1] for k in keys],
            "given": [counts[k][0] for k in keys],
            "received": [counts[k][1] for k in keys],
            "requested": [counts[k][2] for k in keys],
        },
    )
    meetings: dict[tuple[int, int | None, str], list[int]] = defaultdict(lambda: [0, 0])
    now = timezone.now()
    for report_id, manager_id, starts, completed in CheckIn.objects.filter(
        starts_at__date__gte=since, starts_at__lte=now
    ).values_list("series__report_id", "series__manager_id", "starts_at", "completed_at"):
        key = (report_id, manager_id, starts.date().replace(day=1).isoformat())
        meetings[key][1] += 1
        if completed is not None:
            meetings[key][0] += 1
    keys2 = list(meetings)
    facts.replace(
        "checkins",
        {
            "report_id": [k[0] for k in keys2],
            "manager_id": [k[1] for k in keys2],
            "month": [k[2] for k in keys2],
            "held": [meetings[k][0] for k in keys2],
            "scheduled": [meetings[k][1] for k in keys2],
        },
    )
