"""Skills for the demo organization: role profiles for its job titles, a competency framework,
career paths up each ladder (plus lateral moves and moves into management), and a year of claims (self-assessments, manager validations,
completed learning) so profiles show evidence and gap views show gaps closing over time.

Deterministic for a given seed and reference date. Call after the people are in place:
``learnloop.skills.demo.build(organization, seed=seed, today=day)``.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from learnloop.audit import events
from learnloop.people.models import Employee, JobRole, Organization, active_employees
from learnloop.skills import actions, esco_import, queries
from learnloop.skills.engine.profile import Claim, combine
from learnloop.skills.models import (
    EmployeeSkill,
    RoleProfile,
    Skill,
    SkillClaim,
    Source,
)

FAMILY_SKILLS = {
    "Engineering": ["Python (computer programming)", "JavaScript", "SQL", "plan software testing",
                    "use software design patterns", "DevOps", "cloud technologies", "debug software",
                    "ICT security standards"],
    "Data": ["perform data analysis", "statistics", "SQL", "Python (computer programming)",
             "utilise machine learning", "data models", "manage data", "visual presentation techniques",
             "data mining"],
    "Product": ["plan product management", "perform market research", "agile project management",
                "define technical requirements", "think analytically", "manage product testing"],
    "Design": ["design user interface", "software interaction design",
               "create prototype of user experience solutions",
               "assess users' interaction with ICT applications", "graphic design"],
    "Sales": ["sales activities", "negotiate sales contracts", "customer relationship management",
              "deliver a sales pitch", "identify new business opportunities"],
    "Marketing": ["marketing principles", "brand marketing techniques", "content marketing strategy",
                  "search engine optimisation", "perform market research",
                  "social media marketing techniques"],
    "Customer Success": ["customer service", "handle customer complaints",
                         "maintain relationship with customers",
                         "provide customer follow-up services", "measure customer feedback"],
    "Finance": ["accounting", "financial analysis", "prepare financial statements",
                "budgetary principles", "financial forecasting", "tax legislation"],
    "People": ["human resource management", "recruit employees", "train employees",
               "employment law", "motivate employees", "interview people"],
    "Operations": ["ict system integration", "ICT infrastructure", "provide ICT support",
                   "office administration", "project management"],
    "Legal": ["contract law", "legal research", "provide legal advice", "data protection",
              "corporate law"],
    "Leadership": ["think analytically", "lead others", "manage budgets",
                   "business strategy concepts"],
}  # fmt: skip
SHARED = ["communication"]
LEADING = ["manage a team", "coach employees"]
LEADING_WORDS = ("Manager", "Director", "Chief", "VP", "Head", "Lead", "Principal", "Staff")
FRAMEWORK = (
    ("Communicating", ["communication", "deliver a sales pitch", "visual presentation techniques"]),
    ("Leading", ["manage a team", "coach employees", "lead others"]),
    ("Thinking", ["think analytically", "perform data analysis", "perform market research"]),
)
SAMPLE_CV = (
    "I build internal dashboards with SQL and Python and present the results to the leadership team. "
    "Last year I coached two new analysts and ran our customer feedback survey. "
    "I also wrote the test plan for the billing migration."
)


@dataclass
class Outcome:
    profiles: int = 0
    claims: int = 0
    skipped: str = ""


def _target(job: JobRole) -> int:
    level = job.level or 3
    return max(1, min(5, 2 + (level - 1) // 2))


def _skills_by_label() -> dict[str, Skill]:
    wanted = (
        {label for labels in FAMILY_SKILLS.values() for label in labels}
        | set(SHARED)
        | set(LEADING)
    )
    found = Skill.objects.filter(organization__isnull=True, label__in=wanted)
    return {s.label: s for s in found}


def _month_back(today: datetime.date, months: int, day: int) -> datetime.date:
    year, month = today.year, today.month - months
    while month <= 0:
        year, month = year - 1, month + 12
    return datetime.date(year, month, min(day, 28))


@transaction.atomic
def build(
    organization: Organization, *, seed: int = 7, today: datetime.date | None = None
) -> Outcome:
    """Build the demo's skills data; loads the fetched ESCO taxonomy first if it is not in
    the database yet. Skips (and says why) when ESCO has not been fetched."""
    today = today or timezone.localdate()
    outcome = Outcome()
    if not Skill.objects.filter(organization__isnull=True).exists():
        try:
            esco_import.load_fetched(actor_label="demo")
        except esco_import.EscoFileError as exc:
            outcome.skipped = str(exc)
            return outcome
    skills = _skills_by_label()
    rng = random.Random(seed)
    actions.ensure_default_scale(organization)

    profiles: dict[int, RoleProfile] = {
        p.job_role_id: p
        for p in RoleProfile.objects.filter(organization=organization)
        if p.job_role_id is not None
    }
    for job in JobRole.objects.filter(organization=organization).order_by(
        "family", "level", "title"
    ):
        if job.pk in profiles:
            continue
        labels = list(FAMILY_SKILLS.get(job.family or "", FAMILY_SKILLS["Leadership"]))[:6] + SHARED
        if any(word in job.title for word in LEADING_WORDS):
            labels += LEADING
        target = _target(job)
        requirements = [
            (skills[label], target if i < 3 else max(1, target - 1), 2.0 if i < 2 else 1.0)
            for i, label in enumerate(dict.fromkeys(labels))
            if label in skills
        ]
        profiles[job.pk] = actions.save_role_profile(
            organization, job.title, requirements, actor=None, actor_label="demo", job_role=job,
            description=f"{job.title} in {job.family or 'the company'}.",
        )  # fmt: skip
    outcome.profiles = len(profiles)  # including any the organization had already

    entries = [
        (name, [(skills[label], name) for label in labels if label in skills])
        for name, labels in FRAMEWORK
    ]
    actions.create_framework(
        organization, "Northwind core competencies", actor=None,
        description="What we expect from everyone, whatever the role.",
        entries=[item for _, items in entries for item in items],
    )  # fmt: skip
    people = list(
        active_employees()
        .filter(organization=organization)
        .select_related("job_role", "manager__user", "user")
    )
    jobs = {j.pk: j for j in JobRole.objects.filter(organization=organization)}
    for source, target, note in career_moves(jobs, people):
        if source in profiles and target in profiles:
            actions.add_career_path(profiles[source], profiles[target], actor=None, note=note)

    required = {
        p.job_role_id: [(r.skill, r.target_level) for r in p.requirements.select_related("skill")]
        for p in profiles.values()
    }
    pool = list(skills.values())
    claims: list[SkillClaim] = []
    for person in people:
        needed = required.get(person.job_role_id, [])
        extra = [(skill, 2) for skill in rng.sample(pool, k=min(2, len(pool)))]
        for skill, target in [*needed, *extra]:
            if rng.random() > 0.85:
                continue
            start = max(1, min(5, target + rng.choice((-2, -1, -1, 0, 0, 1))))
            first = _month_back(today, rng.randint(7, 14), rng.randint(1, 28))
            claims.append(SkillClaim(employee=person, skill=skill, level=start, source=Source.SELF,
                                     claimed_by=person.user, observed_on=first,
                                     evidence="Self-assessment during the annual review."))  # fmt: skip
            if person.manager is not None and rng.random() < 0.55:
                checked = _month_back(today, rng.randint(3, 6), rng.randint(1, 28))
                level = max(1, min(5, start + rng.choice((-1, 0, 0, 1))))
                claims.append(SkillClaim(employee=person, skill=skill, level=level, source=Source.MANAGER,
                                         claimed_by=person.manager.user, observed_on=checked,
                                         evidence="Seen in the quarterly project review."))  # fmt: skip
            if rng.random() < 0.3:
                learned = _month_back(today, rng.randint(0, 2), rng.randint(1, 28))
                claims.append(SkillClaim(employee=person, skill=skill, level=min(5, start + 1),
                                         source=Source.LEARNING, observed_on=learned,
                                         evidence_ref=f"Course: {skill.label[:80]} (demo catalogue)",
                                         confidence=0.8))  # fmt: skip
    # Recombine every claim of the organization's people, the ones they had included; the new
    # claims are combined from memory rather than read back (10,000 people make 120k of them).
    grouped: dict[tuple[int, int], list[Claim]] = defaultdict(list)
    for claim in SkillClaim.objects.filter(employee__organization=organization, withdrawn=False):
        grouped[(claim.employee_id, claim.skill_id)].append(queries.as_claim(claim))
    SkillClaim.objects.bulk_create(claims, batch_size=2000)
    outcome.claims = len(claims)
    for claim in claims:
        grouped[(claim.employee_id, claim.skill_id)].append(queries.as_claim(claim))
    now = timezone.now()
    stored = []
    for (employee_id, skill_id), items in grouped.items():
        combined = combine(items, today)
        if combined is not None:
            stored.append(EmployeeSkill(employee_id=employee_id, skill_id=skill_id, level=combined.level,
                                        confidence=combined.confidence, validated=combined.validated,
                                        updated_at=now))  # fmt: skip
    EmployeeSkill.objects.filter(employee__organization=organization).delete()
    EmployeeSkill.objects.bulk_create(stored, batch_size=2000)
    events.record(
        "skills.demo_built",
        actor_label="demo",
        target=organization,
        data={"profiles": outcome.profiles, "claims": outcome.claims},
    )
    _suggest_for_persona(organization)
    return outcome


NEXT_STEP, LATERAL, INTO_MANAGEMENT = "next step", "lateral move", "into management"


def career_moves(jobs: dict[int, JobRole], people: list[Employee]) -> list[tuple[int, int, str]]:
    """Career paths read from the organization itself rather than from job families alone
    (a family such as Engineering holds several ladders: software, QA, security).

    - A ladder is the individual-contributor roles that people hold side by side in the same
      department, linked across departments that share a role; each rung's next step is the
      ladder's next level up.
    - Lateral moves: the same level of another ladder of the same job family.
    - Into management: from a ladder's senior rung (level 3, or its top when lower, but not an
      entry level) to the role that most often manages the ladder's people; managers' next step is the role that
      most often manages them, when it is more senior.
    Returns (source job id, target job id, note) triples in a deterministic order."""
    reports: dict[int, int] = defaultdict(int)
    for person in people:
        if person.manager_id is not None:
            reports[person.manager_id] += 1
    holders: dict[int, list[Employee]] = defaultdict(list)
    for person in people:
        if person.job_role_id in jobs:
            holders[person.job_role_id].append(person)
    managing = {
        job_id for job_id, members in holders.items() if any(reports.get(p.pk) for p in members)
    }
    contributors = [
        job_id for job_id in sorted(holders) if job_id not in managing and jobs[job_id].level
    ]
    # Union-find over roles held in the same department: each component is one ladder.
    parent = {job_id: job_id for job_id in contributors}

    def find(job_id: int) -> int:
        while parent[job_id] != job_id:
            parent[job_id] = parent[parent[job_id]]
            job_id = parent[job_id]
        return job_id

    by_department: dict[int | None, set[int]] = defaultdict(set)
    for job_id in contributors:
        for person in holders[job_id]:
            by_department[person.department_id].add(job_id)
    for department, members in by_department.items():
        if department is None:
            continue
        first, *rest = sorted(members)
        for other in rest:
            parent[find(other)] = find(first)
    ladders: dict[int, list[int]] = defaultdict(list)
    for job_id in contributors:
        ladders[find(job_id)].append(job_id)

    def level(job_id: int) -> int:
        return jobs[job_id].level or 0

    def boss_role(members: list[Employee]) -> int | None:
        """The role that most often manages these people (ties: the lower id)."""
        counts: dict[int, int] = defaultdict(int)
        for person in members:
            boss = person.manager
            if boss is not None and boss.job_role_id in managing:
                counts[boss.job_role_id] += 1
        return min(counts, key=lambda j: (-counts[j], j)) if counts else None

    moves: list[tuple[int, int, str]] = []
    ladder_of: dict[int, int] = {}
    for key, rungs in sorted(ladders.items()):
        levels = sorted({level(j) for j in rungs})
        for job_id in rungs:
            ladder_of[job_id] = key
        for lower, upper in itertools.pairwise(levels):
            for source in sorted(j for j in rungs if level(j) == lower):
                for target in sorted(j for j in rungs if level(j) == upper):
                    moves.append((source, target, NEXT_STEP))
        senior = max((lv for lv in levels if lv <= 3), default=levels[0])
        boss = boss_role([p for j in rungs for p in holders[j]])
        if boss is not None and senior >= 2 and level(boss) > senior:
            for source in sorted(j for j in rungs if level(j) == senior):
                moves.append((source, boss, INTO_MANAGEMENT))
    for source in contributors:
        for target in contributors:
            if (
                ladder_of[source] != ladder_of[target]
                and jobs[source].family == jobs[target].family
                and level(source) == level(target)
            ):
                moves.append((source, target, LATERAL))
    for job_id in sorted(managing):
        boss = boss_role(holders[job_id])
        if boss is not None and boss != job_id and level(boss) > level(job_id):
            moves.append((job_id, boss, NEXT_STEP))
    return moves


def _suggest_for_persona(organization: Organization) -> None:
    """Pending suggestions for the demo's employee persona, so the acceptance flow has
    something to show; skipped when the model files are absent."""
    from learnloop.demo.models import DemoPersona

    persona = DemoPersona.objects.filter(key="employee").select_related("user").first()
    employee = Employee.objects.filter(user=persona.user).first() if persona else None
    if employee is None or employee.organization_id != organization.pk:
        return
    try:
        actions.suggest_from_text(employee, SAMPLE_CV, actor=None, source_name="demo CV")
    except (FileNotFoundError, LookupError):
        return
