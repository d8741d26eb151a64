"""Months of feedback, 1:1s, a quarter of OKRs and a few after-action reviews for the demo
organization. Deterministic for a seed and a reference day; written in bulk (one audit event
per kind of row) so a 10,000-person demo stays quick."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from learnloop.audit import events
from learnloop.demo.models import DemoPersona
from learnloop.feedback import actions
from learnloop.feedback.models import (
    ActionItem,
    AfterActionReview,
    AgendaItem,
    AnonymousAnswer,
    CheckIn,
    CheckInSeries,
    Contribution,
    Feedback,
    FeedbackInvite,
    FeedbackRequest,
    KeyResult,
    KeyResultUpdate,
    Lesson,
    Notification,
    Objective,
    PrivateNote,
)
from learnloop.people.models import Employee, Organization, active_employees
from learnloop.skills import actions as skills_actions
from learnloop.skills import queries as skills_queries
from learnloop.skills.models import Skill

BULK = 2000
MAX_SERIES = 400  # 1:1 histories beyond this add bulk, not insight
HISTORY_WEEKS = 10
FEEDBACK_DAYS = 180

SKILL_LABELS = (
    "SQL",
    "Python (computer programming)",
    "manage a team",
    "public speaking",
    "coach employees",
    "negotiate",
    "write technical documentation",
    "project management",
)

PRAISE = (
    "Your walkthrough of {topic} made it click for the whole team. Thank you for the patience.",
    "You unblocked {topic} when we were stuck; the way you laid out the options was superb.",
    "Great call to pause {topic} and ask the customer first. It saved us weeks.",
    "The write-up on {topic} is the clearest document we have. I keep sending people to it.",
    "You picked up {topic} on short notice and delivered calmly. Much appreciated.",
)
CONSTRUCTIVE = (
    "In the {topic} review the key decision came at the very end; leading with it would help.",
    "On {topic} I could not tell who owned the next step. Naming an owner would help us.",
    "The {topic} estimate slipped twice without a heads-up; an early note would help planning.",
    "Consider pairing with someone newer on {topic}: you know it best and it would spread the load.",
)
UPWARD = (
    "Our 1:1s on {topic} help a lot; more context on why priorities change would help more.",
    "Thank you for shielding us during {topic}. Sharing the trade-offs earlier would let us help.",
)
TOPICS = (
    "the billing migration",
    "the onboarding revamp",
    "the Q3 roadmap",
    "the incident on Tuesday",
    "the customer workshop",
    "the data pipeline",
    "the hiring loop",
    "the design review",
)
AGENDA = (
    "How {topic} is going",
    "Career goals for next year",
    "Feedback on my last presentation",
    "Workload and focus",
    "Training budget",
    "Blockers on {topic}",
    "Team rituals: what to drop",
)
ACTIONS = (
    "Draft the proposal for {topic}",
    "Book the conference ticket",
    "Share the notes on {topic} with the team",
    "Pick a mentor from the expert list",
    "Write the decision record for {topic}",
)
REVIEWS = (
    (
        "Checkout outage on Black Friday",
        "incident",
        "Checkout to absorb five times normal traffic with autoscaling.",
        "Checkout failed for 38 minutes when the payment provider throttled us.",
        "Our load tests mocked the provider, so its rate limits were never exercised.",
        "Clear incident roles; the status page went out within five minutes.",
        "Load-test against the provider's sandbox and add a circuit breaker.",
        (
            ("Load-test third-party limits, not just our own services.", ("SQL",)),
            ("Name an incident commander before anyone starts fixing.", ("manage a team",)),
        ),
    ),
    (
        "Onboarding revamp pilot",
        "project",
        "New joiners productive in two weeks instead of six.",
        "Productive in three weeks; buddies were overloaded in the first cohort.",
        "Buddies carried their full workload; the plan assumed half.",
        "The first-week checklist and the shared glossary.",
        "Reserve buddy time in sprint planning; smaller cohorts.",
        (
            ("Budget the helpers' time when a plan depends on them.", ("project management",)),
            ("A glossary on day one saves weeks of guessing.", ("write technical documentation",)),
        ),
    ),
    (
        "Data warehouse migration",
        "project",
        "Move reporting to the new warehouse in one quarter with no downtime.",
        "Done in five months; two dashboards showed wrong totals for a week.",
        "Time zones were handled differently in the old and new pipelines.",
        "Running both pipelines side by side and comparing outputs daily.",
        "Write down data contracts (types, time zones) before the first line of code.",
        (
            ("Compare old and new outputs automatically during a migration.", ("SQL",)),
            (
                "Agree data contracts first, including time zones.",
                ("Python (computer programming)",),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class Summary:
    feedback: int
    requests: int
    series: int
    meetings: int
    objectives: int
    reviews: int


def _skills(organization: Organization) -> dict[str, Skill]:
    visible = skills_queries.visible_skills(organization)
    found: dict[str, Skill] = {}
    for label in SKILL_LABELS:
        skill = visible.filter(label__iexact=label).first()
        found[label] = skill or skills_actions.add_own_skill(organization, label, actor=None)
    return found


def _at(rng: random.Random, today: datetime.date, days_back: int) -> datetime.datetime:
    day = today - datetime.timedelta(days=days_back)
    moment = datetime.datetime.combine(day, datetime.time(9 + rng.randrange(8), rng.randrange(60)))
    return timezone.make_aware(moment, datetime.UTC)


@transaction.atomic
def populate(
    organization: Organization, *, seed: int, today: datetime.date | None = None
) -> Summary:
    """Fill the demo organization; call once, right after its people are loaded."""
    day = today or timezone.localdate()
    rng = random.Random(seed * 7919 + 17)
    people = list(
        active_employees(day)
        .filter(organization=organization)
        .select_related("user", "manager", "department")
        .order_by("pk")
    )
    by_id = {p.pk: p for p in people}
    teams: dict[int, list[Employee]] = defaultdict(list)
    for person in people:
        if person.manager_id in by_id:
            teams[person.manager_id].append(person)
    personas = dict(DemoPersona.objects.values_list("key", "user_id"))
    focus_users = set(personas.values())
    skills = _skills(organization)
    circles = _circles(people, teams)

    feedback = _feedback(organization, people, by_id, circles, skills, rng, day, focus_users)
    requests = _requests(organization, people, teams, circles, rng, day, focus_users)
    series, meetings = _checkins(organization, people, by_id, rng, day, focus_users)
    objectives = _okrs(organization, people, by_id, teams, skills, rng, day)
    reviews = _reviews(organization, people, teams, skills, rng, day, focus_users)
    _inbox(people, focus_users, day)
    return Summary(feedback, requests, series, meetings, objectives, reviews)


def _circles(people: list[Employee], teams: dict[int, list[Employee]]) -> dict[int, list[Employee]]:
    """Who works closely with whom: teammates, widened to the division when the team is tiny."""
    by_division: dict[str, list[Employee]] = defaultdict(list)
    for person in people:
        if person.department is not None:
            by_division[person.department.path.split("/")[1]].append(person)
    circles = {}
    for person in people:
        mates = [p for p in teams.get(person.manager_id or 0, []) if p.pk != person.pk]
        if len(mates) < 3 and person.department is not None:
            division = by_division[person.department.path.split("/")[1]]
            mates += [p for p in division[:40] if p.pk != person.pk and p not in mates]
        circles[person.pk] = mates[:12]
    return circles


def _feedback(
    organization: Organization,
    people: list[Employee],
    by_id: dict[int, Employee],
    circles: dict[int, list[Employee]],
    skills: dict[str, Skill],
    rng: random.Random,
    day: datetime.date,
    focus: set[int],
) -> int:
    rows: list[tuple[Feedback, list[Skill]]] = []
    labels = list(skills)
    for person in people:
        manager = by_id.get(person.manager_id or 0)
        mates = [p for p in circles[person.pk] if p.pk != person.manager_id]
        count = 6 if person.user_id in focus else rng.choice((0, 1, 1, 2, 3))
        for _ in range(count):
            roll = rng.random()
            topic = rng.choice(TOPICS)
            if manager is not None and roll < 0.15:
                giver, recipient, kind = person, manager, "constructive"
                body, visibility = rng.choice(UPWARD).format(topic=topic), "private"
            elif manager is not None and roll < 0.35:
                giver, recipient, kind = manager, person, "praise"
                body, visibility = rng.choice(PRAISE).format(topic=topic), "manager"
            elif mates:
                giver, recipient = rng.choice(mates), person
                kind = "praise" if rng.random() < 0.65 else "constructive"
                body = rng.choice(PRAISE if kind == "praise" else CONSTRUCTIVE).format(topic=topic)
                visibility = (
                    rng.choice(("private", "manager", "public"))
                    if kind == "praise"
                    else rng.choice(("private", "manager"))
                )
            else:
                continue
            feedback = Feedback(
                organization=organization,
                giver=giver,
                recipient=recipient,
                kind=kind,
                body=body,
                visibility=visibility,
                upward=giver.manager_id == recipient.pk,
                project=topic.removeprefix("the ").capitalize() if rng.random() < 0.4 else "",
                created_at=_at(rng, day, rng.randrange(1, FEEDBACK_DAYS)),
            )
            named = [skills[label] for label in rng.sample(labels, rng.choice((0, 1, 2)))]
            rows.append((feedback, named))
    Feedback.objects.bulk_create([f for f, _ in rows], batch_size=BULK)
    through = Feedback.skills.through
    through.objects.bulk_create(
        [through(feedback_id=f.pk, skill_id=s.pk) for f, named in rows for s in named],
        batch_size=BULK,
    )
    events.record_many(
        [events.Event("feedback.given", f, {"kind": f.kind, "demo": True}) for f, _ in rows],
        actor_label="demo",
    )
    return len(rows)


def _requests(
    organization: Organization,
    people: list[Employee],
    teams: dict[int, list[Employee]],
    circles: dict[int, list[Employee]],
    rng: random.Random,
    day: datetime.date,
    focus: set[int],
) -> int:
    """A named request per focus person, and anonymous upward rounds for some managers."""
    created = 0
    minimum = actions.policy(organization).anonymous_min_answers
    for person in people:
        mates = circles[person.pk]
        if person.user_id not in focus or len(mates) < 2:
            continue
        request = FeedbackRequest.objects.create(
            organization=organization,
            requester=person,
            about="My presentation at the all-hands",
            question="What should I keep, and what would make it clearer?",
            due_date=day + datetime.timedelta(days=5),
            created_at=_at(rng, day, 3),
        )
        asked = mates[:3]
        FeedbackInvite.objects.bulk_create(
            [FeedbackInvite(request=request, respondent=m) for m in asked]
        )
        first = asked[0]
        Feedback.objects.create(
            organization=organization,
            giver=first,
            recipient=person,
            kind="praise",
            body="The story arc worked; the numbers slide was dense, split it in two.",
            request=request,
            created_at=_at(rng, day, 1),
        )
        FeedbackInvite.objects.filter(request=request, respondent=first).update(answered=True)
        created += 1
    managers = [pk for pk, team in teams.items() if len(team) >= minimum + 1]
    chosen = [pk for pk in managers if any(p.user_id in focus for p in [*teams[pk]])]
    chosen += rng.sample(managers, min(len(managers), 8))
    for manager_pk in dict.fromkeys(chosen):
        team = teams[manager_pk]
        manager = team[0].manager
        assert manager is not None
        request = FeedbackRequest.objects.create(
            organization=organization,
            requester=manager,
            about="Upward feedback: how can I support you better?",
            due_date=day - datetime.timedelta(days=20),
            anonymous=True,
            created_at=_at(rng, day, 34),
            closed_at=_at(rng, day, 19),
            released=True,
        )
        FeedbackInvite.objects.bulk_create(
            [FeedbackInvite(request=request, respondent=m, answered=True) for m in team]
        )
        AnonymousAnswer.objects.bulk_create(
            [
                AnonymousAnswer(
                    request=request,
                    body=rng.choice(UPWARD).format(topic=rng.choice(TOPICS)),
                    rating=rng.choice((3, 4, 4, 5)),
                )
                for _ in team
            ]
        )
        created += 1
    events.record("feedback.demo_requests", actor_label="demo", data={"requests": created})
    return created


def _checkins(
    organization: Organization,
    people: list[Employee],
    by_id: dict[int, Employee],
    rng: random.Random,
    day: datetime.date,
    focus: set[int],
) -> tuple[int, int]:
    pairs = [p for p in people if p.manager_id in by_id]
    pairs.sort(key=lambda p: (not ({p.user_id, by_id[p.manager_id or 0].user_id} & focus), p.pk))
    pairs = pairs[:MAX_SERIES]
    now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)), datetime.UTC)
    series_rows = []
    for report in pairs:
        # The next meeting lands in the coming week, so the history is HISTORY_WEEKS back.
        offset = datetime.timedelta(days=1 + rng.randrange(6), hours=rng.randrange(-3, 4))
        first = now + offset - datetime.timedelta(weeks=HISTORY_WEEKS)
        series_rows.append(
            CheckInSeries(
                organization=organization,
                manager=by_id[report.manager_id or 0],
                report=report,
                first_at=first.replace(minute=0, second=0, microsecond=0),
                timezone=report.timezone,
                created_at=first - datetime.timedelta(days=3),
            )
        )
    CheckInSeries.objects.bulk_create(series_rows, batch_size=BULK)
    meetings = []
    for series in series_rows:
        for index in range(HISTORY_WEEKS + 1):
            starts = series.occurrence(index)
            past = index < HISTORY_WEEKS
            meetings.append(
                CheckIn(
                    series=series,
                    index=index,
                    starts_at=starts,
                    completed_at=starts + datetime.timedelta(minutes=30) if past else None,
                    mood=rng.choice((2, 3, 4, 4, 5, None)) if past else None,
                    reminded=past,
                )
            )
    CheckIn.objects.bulk_create(meetings, batch_size=BULK)
    agenda, notes, action_items = [], [], []
    for meeting in meetings:
        series = meeting.series
        upcoming = meeting.completed_at is None
        for _ in range(rng.choice((1, 2, 3))):
            author = series.report if rng.random() < 0.6 else series.manager
            agenda.append(
                AgendaItem(
                    meeting=meeting,
                    author=author,
                    text=rng.choice(AGENDA).format(topic=rng.choice(TOPICS)),
                    discussed=not upcoming,
                    created_at=meeting.starts_at - datetime.timedelta(days=1),
                )
            )
        if not upcoming and rng.random() < 0.5:
            owner = series.report if rng.random() < 0.7 else series.manager
            due = meeting.starts_at.date() + datetime.timedelta(days=7)
            action_items.append(
                ActionItem(
                    series=series,
                    meeting=meeting,
                    text=rng.choice(ACTIONS).format(topic=rng.choice(TOPICS)),
                    owner=owner,
                    due_date=due,
                    done_at=(
                        meeting.starts_at + datetime.timedelta(days=3)
                        if due < day and rng.random() < 0.8
                        else None
                    ),
                    created_at=meeting.starts_at,
                )
            )
        if meeting.index == HISTORY_WEEKS - 1:
            notes.append(
                PrivateNote(
                    meeting=meeting,
                    author=series.manager,
                    body="Ask about the stretch project; mention the leadership course.",
                    updated_at=meeting.starts_at,
                )
            )
    AgendaItem.objects.bulk_create(agenda, batch_size=BULK)
    ActionItem.objects.bulk_create(action_items, batch_size=BULK)
    PrivateNote.objects.bulk_create(notes, batch_size=BULK)
    events.record_many(
        [events.Event("checkin.series_started", s, {"demo": True}) for s in series_rows],
        actor_label="demo",
    )
    return len(series_rows), len(meetings)


def _okrs(
    organization: Organization,
    people: list[Employee],
    by_id: dict[int, Employee],
    teams: dict[int, list[Employee]],
    skills: dict[str, Skill],
    rng: random.Random,
    day: datetime.date,
) -> int:
    name, start, end = actions.quarter(day)
    period = actions.create_period(
        organization, name=name, start=start, end=end, actor_label="demo"
    )
    top = next((p for p in people if p.manager_id is None), people[0])
    company_titles = (
        "Customers succeed with us in their first month",
        "Become the place where people grow fastest",
        "Ship reliable software every week",
    )
    company = [
        Objective(organization=organization, period=period, level="company", title=t, owner=top)
        for t in company_titles
    ]
    Objective.objects.bulk_create(company)
    heads = teams.get(top.pk, [])
    departments = [
        Objective(
            organization=organization,
            period=period,
            level="department",
            title=f"{head.department.name if head.department else head.name}: "
            f"{rng.choice(('cut lead time by a third', 'double internal mentoring', 'halve escalations'))}",
            owner=head,
            department=head.department,
            parent=company[i % len(company)],
        )
        for i, head in enumerate(heads)
    ]
    Objective.objects.bulk_create(departments)
    by_owner = {o.owner_id: o for o in departments}
    team_goals = []
    for manager_pk, team in sorted(teams.items()):
        manager = by_id[manager_pk]
        parent = by_owner.get(manager.manager_id or 0)
        if parent is None or len(team) < 2:
            continue
        team_goals.append(
            Objective(
                organization=organization,
                period=period,
                level="team",
                title=f"{manager.department.name if manager.department else manager.name} "
                f"{rng.choice(('delivers the roadmap', 'improves onboarding', 'reduces toil'))}",
                owner=manager,
                department=manager.department,
                parent=parent,
            )
        )
    team_goals = team_goals[:120]
    Objective.objects.bulk_create(team_goals)
    team_of = {o.owner_id: o for o in team_goals}
    individual, learning = [], []
    labels = list(skills)
    for person in people:
        parent = team_of.get(person.manager_id or 0)
        if parent is None:
            continue
        individual.append(
            Objective(
                organization=organization,
                period=period,
                level="individual",
                title=f"Own {rng.choice(TOPICS).removeprefix('the ')} end to end",
                owner=person,
                parent=parent,
            )
        )
        if rng.random() < 0.5:
            label = rng.choice(labels)
            goal = Objective(
                organization=organization,
                period=period,
                level="individual",
                title=f"Grow in {label}",
                owner=person,
                learning_goal=True,
                private=rng.random() < 0.3,
            )
            learning.append((goal, skills[label]))
    Objective.objects.bulk_create(individual + [g for g, _ in learning], batch_size=BULK)
    through = Objective.skills.through
    through.objects.bulk_create(
        [through(objective_id=g.pk, skill_id=s.pk) for g, s in learning], batch_size=BULK
    )
    everything = company + departments + team_goals + individual + [g for g, _ in learning]
    krs = []
    for objective in everything:
        for n in range(1 if objective.level == "individual" else 2):
            kind = rng.choice(("numeric", "percentage", "binary")) if n else "numeric"
            target = {"numeric": float(rng.choice((5, 10, 20, 50))), "percentage": 90.0}.get(
                kind, 1.0
            )
            baseline = {"percentage": 40.0}.get(kind, 0.0)
            krs.append(
                KeyResult(
                    objective=objective,
                    title=rng.choice(
                        (
                            "Customer sessions held",
                            "Share of releases without rollback",
                            "Runbooks written",
                            "People mentored",
                            "Course modules completed",
                        )
                    )
                    if kind != "binary"
                    else "Playbook published",
                    kind=kind,
                    start=baseline,
                    target=target,
                    current=baseline,
                )
            )
    KeyResult.objects.bulk_create(krs, batch_size=BULK)
    weeks = max(1, min(12, (day - start_of(period.start)).days // 7 + 1))
    updates = []
    for kr in krs:
        pace = rng.uniform(0.4, 1.1)
        for week in range(weeks):
            share = min(1.0, pace * (week + 1) / 13)
            value = (
                (1.0 if share > 0.8 else 0.0)
                if kr.kind == "binary"
                else round(kr.start + (kr.target - kr.start) * share, 1)
            )
            updates.append(
                KeyResultUpdate(
                    key_result=kr,
                    author=kr.objective.owner,
                    week=start_of(period.start) + datetime.timedelta(weeks=week),
                    value=value,
                    confidence=max(1, min(10, round(5 + 5 * pace - 2 * rng.random()))),
                    note="" if rng.random() < 0.7 else "On track after the planning reset.",
                )
            )
        if updates and updates[-1].key_result is kr:
            kr.current = updates[-1].value
    KeyResultUpdate.objects.bulk_create(updates, batch_size=BULK)
    KeyResult.objects.bulk_update(krs, ["current"], batch_size=BULK)
    events.record_many(
        [
            events.Event("okr.objective_created", o, {"demo": True})
            for o in everything
            if not o.private
        ],
        actor_label="demo",
    )
    return len(everything)


def start_of(day: datetime.date) -> datetime.date:
    return actions.week_of(day)


def _reviews(
    organization: Organization,
    people: list[Employee],
    teams: dict[int, list[Employee]],
    skills: dict[str, Skill],
    rng: random.Random,
    day: datetime.date,
    focus: set[int],
) -> int:
    managers = sorted(teams, key=lambda pk: (not any(p.user_id in focus for p in teams[pk]), pk))
    by_id = {p.pk: p for p in people}
    made = 0
    for n, (title, kind, expected, happened, why, keep, change, lessons) in enumerate(REVIEWS):
        if n >= len(managers):
            break
        facilitator = by_id[managers[n]]
        review = AfterActionReview.objects.create(
            organization=organization,
            title=title,
            kind=kind,
            happened_on=day - datetime.timedelta(days=20 + 30 * n),
            facilitator=facilitator,
            expected=expected,
            happened=happened,
            why=why,
            keep=keep,
            change=change,
            published_at=_at(rng, day, 10 + 30 * n),
        )
        participants = [facilitator, *teams[managers[n]][:5]]
        review.participants.set(participants)
        Contribution.objects.bulk_create(
            [
                Contribution(
                    review=review,
                    author=person,
                    section=section,
                    text=text,
                    created_at=_at(rng, day, 12 + 30 * n),
                )
                for person, (section, text) in zip(
                    participants[1:],
                    (("happened", happened), ("why", why), ("keep", keep), ("change", change)),
                    strict=False,
                )
            ]
        )
        for text, labels in lessons:
            lesson = Lesson.objects.create(review=review, text=text)
            lesson.skills.set([skills[label] for label in labels])
        events.record("aar.published", actor_label="demo", target=review)
        made += 1
    if managers:
        facilitator = by_id[managers[0]]
        draft = AfterActionReview.objects.create(
            organization=organization,
            title="Release train delay",
            kind="project",
            happened_on=day - datetime.timedelta(days=2),
            facilitator=facilitator,
            expected="Release on Thursday.",
        )
        draft.participants.set([facilitator, *teams[managers[0]][:4]])
        events.record("aar.created", actor_label="demo", target=draft)
        made += 1
    return made


def _inbox(people: list[Employee], focus: set[int], day: datetime.date) -> None:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)), datetime.UTC)
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=person.user_id,
                title="Your 1:1 is coming up this week: add to the shared agenda",
                url="/feedback/checkins/",
                created_at=moment,
            )
            for person in people
            if person.user_id in focus
        ]
    )
