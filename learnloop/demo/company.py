"""A synthetic but realistic company: department tree, job ladders, manager chains, hires and
leavers over a decade. Pure Python and deterministic for a given seed and reference date."""

from __future__ import annotations

import datetime
import random
import re
import unicodedata
from dataclasses import dataclass, field

from faker import Faker

from learnloop.people.importing.parse import PersonRow

DOMAIN = "northwind.example"
FOUNDED = datetime.date(2014, 3, 1)


@dataclass(frozen=True)
class Place:
    name: str
    timezone: str
    languages: tuple[str, ...]
    locales: tuple[str, ...]


PLACES = {
    "Berlin": Place("Berlin", "Europe/Berlin", ("de", "en"), ("de_DE", "pl_PL", "tr_TR")),
    "London": Place("London", "Europe/London", ("en",), ("en_GB", "en_IN", "fr_FR")),
    "Lisbon": Place("Lisbon", "Europe/Lisbon", ("pt", "en"), ("pt_PT", "pt_BR", "es_ES")),
    "New York": Place("New York", "America/New_York", ("en", "es"), ("en_US", "es_MX")),
    "Toronto": Place("Toronto", "America/Toronto", ("en", "fr"), ("en_CA", "fr_CA")),
    "Singapore": Place("Singapore", "Asia/Singapore", ("en", "zh"), ("en_US", "en_IN", "id_ID")),
    "Remote": Place("Remote", "Europe/Madrid", ("en", "es"), ("es_ES", "it_IT", "nl_NL", "sv_SE")),
}


@dataclass(frozen=True)
class Team:
    path: tuple[str, ...]
    weight: float
    family: str
    ladder: tuple[str, ...]  # titles for levels 1.. of individual contributors
    places: tuple[str, ...]


@dataclass(frozen=True)
class Division:
    name: str
    head_title: str
    director_title: str
    manager_title: str
    teams: tuple[Team, ...]


ENG_LADDER = (
    "Software Engineer I",
    "Software Engineer II",
    "Senior Software Engineer",
    "Staff Engineer",
    "Principal Engineer",
)

DIVISIONS = (
    Division(
        "Engineering",
        "Chief Technology Officer",
        "Director of Engineering",
        "Engineering Manager",
        (
            Team(
                ("Engineering", "Platform"), 0.07, "Engineering", ENG_LADDER, ("Berlin", "Remote")
            ),
            Team(
                ("Engineering", "Product Engineering", "Web"),
                0.09,
                "Engineering",
                ENG_LADDER,
                ("Berlin", "Lisbon"),
            ),
            Team(
                ("Engineering", "Product Engineering", "Mobile"),
                0.06,
                "Engineering",
                ENG_LADDER,
                ("Lisbon", "Remote"),
            ),
            Team(
                ("Engineering", "Data", "Data Engineering"),
                0.05,
                "Data",
                (
                    "Data Engineer I",
                    "Data Engineer II",
                    "Senior Data Engineer",
                    "Staff Data Engineer",
                ),
                ("Berlin", "London"),
            ),
            Team(
                ("Engineering", "Data", "Data Science"),
                0.04,
                "Data",
                (
                    "Data Analyst",
                    "Data Scientist",
                    "Senior Data Scientist",
                    "Principal Data Scientist",
                ),
                ("London", "Remote"),
            ),
            Team(
                ("Engineering", "Quality"),
                0.03,
                "Engineering",
                ("QA Engineer", "Senior QA Engineer", "QA Lead"),
                ("Lisbon",),
            ),
            Team(
                ("Engineering", "Security"),
                0.02,
                "Engineering",
                ("Security Engineer", "Senior Security Engineer", "Staff Security Engineer"),
                ("Berlin", "London"),
            ),
        ),
    ),
    Division(
        "Product",
        "Chief Product Officer",
        "Director of Product",
        "Group Product Manager",
        (
            Team(
                ("Product", "Product Management"),
                0.05,
                "Product",
                (
                    "Associate Product Manager",
                    "Product Manager",
                    "Senior Product Manager",
                    "Principal Product Manager",
                ),
                ("Berlin", "London"),
            ),
            Team(
                ("Product", "Design"),
                0.04,
                "Design",
                ("Product Designer", "Senior Product Designer", "Lead Designer"),
                ("Berlin", "Lisbon"),
            ),
        ),
    ),
    Division(
        "Sales",
        "Chief Revenue Officer",
        "Regional Sales Director",
        "Sales Manager",
        (
            Team(
                ("Sales", "EMEA"),
                0.07,
                "Sales",
                (
                    "Sales Development Representative",
                    "Account Executive",
                    "Senior Account Executive",
                    "Enterprise Account Executive",
                ),
                ("London", "Berlin"),
            ),
            Team(
                ("Sales", "Americas"),
                0.06,
                "Sales",
                (
                    "Sales Development Representative",
                    "Account Executive",
                    "Senior Account Executive",
                    "Enterprise Account Executive",
                ),
                ("New York", "Toronto"),
            ),
            Team(
                ("Sales", "APAC"),
                0.03,
                "Sales",
                (
                    "Sales Development Representative",
                    "Account Executive",
                    "Senior Account Executive",
                ),
                ("Singapore",),
            ),
        ),
    ),
    Division(
        "Marketing",
        "Chief Marketing Officer",
        "Director of Marketing",
        "Marketing Manager",
        (
            Team(
                ("Marketing", "Growth"),
                0.03,
                "Marketing",
                ("Marketing Associate", "Growth Marketer", "Senior Growth Marketer"),
                ("London", "New York"),
            ),
            Team(
                ("Marketing", "Brand and Content"),
                0.03,
                "Marketing",
                ("Content Writer", "Content Strategist", "Brand Lead"),
                ("London", "Remote"),
            ),
        ),
    ),
    Division(
        "Customer Success",
        "VP Customer Success",
        "Director of Customer Success",
        "Support Manager",
        (
            Team(
                ("Customer Success", "Support"),
                0.08,
                "Customer Success",
                (
                    "Support Specialist I",
                    "Support Specialist II",
                    "Senior Support Specialist",
                    "Support Engineer",
                ),
                ("Lisbon", "Toronto", "Singapore"),
            ),
            Team(
                ("Customer Success", "Onboarding"),
                0.05,
                "Customer Success",
                (
                    "Onboarding Specialist",
                    "Customer Success Manager",
                    "Senior Customer Success Manager",
                ),
                ("London", "New York"),
            ),
        ),
    ),
    Division(
        "Finance",
        "Chief Financial Officer",
        "Finance Director",
        "Finance Manager",
        (
            Team(
                ("Finance", "Accounting"),
                0.03,
                "Finance",
                ("Accountant", "Senior Accountant", "Accounting Lead"),
                ("Berlin",),
            ),
            Team(
                ("Finance", "FP&A"),
                0.02,
                "Finance",
                ("Financial Analyst", "Senior Financial Analyst"),
                ("London",),
            ),
        ),
    ),
    Division(
        "People",
        "Chief People Officer",
        "Director of People",
        "People Manager",
        (
            Team(
                ("People", "HR Operations"),
                0.02,
                "People",
                ("HR Coordinator", "HR Generalist", "HR Business Partner"),
                ("Berlin", "London"),
            ),
            Team(
                ("People", "Talent Acquisition"),
                0.02,
                "People",
                ("Recruiting Coordinator", "Recruiter", "Senior Recruiter"),
                ("Berlin", "New York"),
            ),
            Team(
                ("People", "Learning and Development"),
                0.015,
                "People",
                ("L&D Coordinator", "L&D Specialist", "Senior L&D Partner"),
                ("Berlin", "Remote"),
            ),
        ),
    ),
    Division(
        "Operations",
        "Chief Operating Officer",
        "Director of Operations",
        "Operations Manager",
        (
            Team(
                ("Operations", "IT"),
                0.02,
                "Operations",
                ("IT Support Specialist", "Systems Administrator", "Senior Systems Engineer"),
                ("Berlin", "Toronto"),
            ),
            Team(
                ("Operations", "Legal"),
                0.01,
                "Legal",
                ("Legal Counsel", "Senior Legal Counsel"),
                ("London",),
            ),
            Team(
                ("Operations", "Workplace"),
                0.01,
                "Operations",
                ("Workplace Coordinator", "Workplace Manager"),
                ("Berlin", "Lisbon"),
            ),
        ),
    ),
)

TEAM_SIZE = (5, 9)
MAX_MANAGERS_PER_LEAD = 7


@dataclass
class Person:
    key: int
    name: str
    email: str
    place: Place
    title: str
    family: str
    level: int
    department: tuple[str, ...]
    manager: Person | None
    hire_date: datetime.date
    leave_date: datetime.date | None = None
    employment_type: str = "full_time"
    reports: list[Person] = field(default_factory=list)

    @property
    def employee_id(self) -> str:
        return f"NW{self.key:05d}"


@dataclass
class Company:
    people: list[Person]
    personas: dict[str, Person]

    def rows(self) -> list[PersonRow]:
        present = frozenset(
            {
                "employee_id",
                "full_name",
                "email",
                "manager_id",
                "department",
                "job_title",
                "job_family",
                "job_level",
                "hire_date",
                "leave_date",
                "location",
                "employment_type",
                "languages",
                "timezone",
            }
        )
        return [
            PersonRow(
                line=index + 2,
                employee_id=p.employee_id,
                full_name=p.name,
                email=p.email,
                manager_id=p.manager.employee_id if p.manager else None,
                department=p.department,
                job_title=p.title,
                job_family=p.family,
                job_level=p.level,
                hire_date=p.hire_date,
                leave_date=p.leave_date,
                location=p.place.name,
                employment_type=p.employment_type,
                languages=p.place.languages,
                timezone=p.place.timezone,
                present=present,
            )
            for index, p in enumerate(self.people)
        ]


# Letters that Unicode does not decompose into a base letter plus an accent.
_TRANSLITERATE = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "æ": "ae",
        "Æ": "Ae",
        "đ": "d",
        "Đ": "D",
        "\u0131": "i",
        "œ": "oe",
    }
)


def _ascii(text: str) -> str:
    text = (
        unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
        .encode("ascii", "ignore")
        .decode()
    )
    return re.sub(r"[^a-z]", "", text.lower())


class _Builder:
    def __init__(self, seed: int, today: datetime.date) -> None:
        self.random = random.Random(seed)
        locales = sorted({locale for place in PLACES.values() for locale in place.locales})
        self.faker = Faker(locales)
        self.faker.seed_instance(seed)
        self.today = today
        self.people: list[Person] = []
        self.emails: set[str] = set()

    def hire_date(self, earliest: datetime.date) -> datetime.date:
        # Growth: later years hire more, so draw the fraction of the span skewed to recent.
        span = (self.today - earliest).days
        return earliest + datetime.timedelta(days=int(span * self.random.random() ** 0.6))

    def person(
        self,
        place: Place,
        title: str,
        family: str,
        level: int,
        department: tuple[str, ...],
        manager: Person | None,
        earliest: datetime.date,
    ) -> Person:
        locale = self.random.choice(place.locales)
        generator = self.faker[locale]
        first, last = generator.first_name(), generator.last_name()
        local = ".".join(part for part in (_ascii(first), _ascii(last)) if part) or "person"
        email, n = f"{local}@{DOMAIN}", 1
        while email in self.emails:
            n += 1
            email = f"{local}{n}@{DOMAIN}"
        self.emails.add(email)
        hire = max(self.hire_date(earliest), manager.hire_date if manager else FOUNDED)
        person = Person(
            len(self.people) + 1,
            f"{first} {last}",
            email,
            place,
            title,
            family,
            level,
            department,
            manager,
            hire,
        )
        if manager is not None:
            manager.reports.append(person)
        self.people.append(person)
        return person


def build_company(employees: int, seed: int, today: datetime.date) -> Company:
    """A company of about ``employees`` people (exactly, once leaders are counted in)."""
    if employees < 30:
        raise ValueError("employees: a demo company needs at least 30 people")
    b = _Builder(seed, today)
    ceo = b.person(
        PLACES["Berlin"],
        "Chief Executive Officer",
        "Leadership",
        9,
        ("Executive Office",),
        None,
        FOUNDED,
    )
    ceo.hire_date = FOUNDED
    total_weight = sum(team.weight for division in DIVISIONS for team in division.teams)
    leaders = 1 + len(DIVISIONS)
    budget = employees - leaders
    heads = {}
    for division in DIVISIONS:
        first_team = division.teams[0]
        heads[division.name] = b.person(
            PLACES[first_team.places[0]],
            division.head_title,
            "Leadership",
            8,
            (division.name,),
            ceo,
            FOUNDED,
        )

    # Share the remaining headcount among teams, largest remainders first, at least 3 each.
    shares = [
        (division, team, budget * team.weight / total_weight)
        for division in DIVISIONS
        for team in division.teams
    ]
    sizes = [max(3, int(share)) for _, _, share in shares]
    order = sorted(range(len(shares)), key=lambda i: shares[i][2] - int(shares[i][2]), reverse=True)
    i = 0
    while sum(sizes) < budget:
        sizes[order[i % len(order)]] += 1
        i += 1
    while sum(sizes) > budget:
        largest = max(range(len(sizes)), key=lambda k: sizes[k])
        sizes[largest] -= 1

    for (division, team, _), size in zip(shares, sizes, strict=True):
        _staff_team(b, division, team, size, heads[division.name])

    _leavers(b)
    people = b.people
    personas = _personas(people, ceo)
    return Company(people, personas)


def _staff_team(b: _Builder, division: Division, team: Team, size: int, head: Person) -> None:
    """Fill one team: a director when large, managers for groups of 5-9, then contributors."""
    rng = b.random
    remaining = size
    lead = head
    if size > 30:
        lead = b.person(
            b_place(b, team),
            division.director_title,
            team.family,
            7,
            team.path,
            head,
            FOUNDED + datetime.timedelta(days=365),
        )
        remaining -= 1
    groups = max(1, round(remaining / (sum(TEAM_SIZE) / 2 + 1)))
    if groups == 1 and remaining <= TEAM_SIZE[1] + 1:
        managers = [lead] if lead is not head else []
        if not managers:
            managers = [
                b.person(
                    b_place(b, team),
                    division.manager_title,
                    team.family,
                    6,
                    team.path,
                    head,
                    FOUNDED + datetime.timedelta(days=500),
                )
            ]
            remaining -= 1
    else:
        parents = [lead]
        if groups > MAX_MANAGERS_PER_LEAD:
            seniors = -(-groups // MAX_MANAGERS_PER_LEAD)
            parents = [
                b.person(
                    b_place(b, team),
                    f"Senior {division.manager_title}",
                    team.family,
                    7,
                    team.path,
                    lead,
                    FOUNDED + datetime.timedelta(days=700),
                )
                for _ in range(seniors)
            ]
            remaining -= seniors
            groups = max(1, round(remaining / (sum(TEAM_SIZE) / 2 + 1)))
        managers = [
            b.person(
                b_place(b, team),
                division.manager_title,
                team.family,
                6,
                team.path,
                parents[k % len(parents)],
                FOUNDED + datetime.timedelta(days=900),
            )
            for k in range(groups)
        ]
        remaining -= groups
    for k in range(max(0, remaining)):
        manager = managers[k % len(managers)]
        level = min(len(team.ladder), 1 + int(rng.random() ** 1.6 * len(team.ladder)))
        person = b.person(
            manager.place if rng.random() < 0.8 else b_place(b, team),
            team.ladder[level - 1],
            team.family,
            level,
            team.path,
            manager,
            FOUNDED + datetime.timedelta(days=400),
        )
        roll = rng.random()
        person.employment_type = (
            "contractor"
            if roll < 0.05
            else "part_time"
            if roll < 0.09
            else "intern"
            if roll < 0.11 and level == 1
            else "full_time"
        )


def b_place(b: _Builder, team: Team) -> Place:
    return PLACES[b.random.choice(team.places)]


def _leavers(b: _Builder) -> None:
    """About 12% of contributors leave each year: the last two years' leavers are on record,
    and a few more are serving their notice."""
    for person in b.people:
        if person.reports or person.level >= 8:
            continue
        roll = b.random.random()
        earliest = max(
            person.hire_date + datetime.timedelta(days=90), b.today - datetime.timedelta(days=730)
        )
        if roll < 0.2 and earliest < b.today:
            person.leave_date = earliest + datetime.timedelta(
                days=b.random.randint(0, (b.today - earliest).days)
            )
        elif roll < 0.22:
            person.leave_date = b.today + datetime.timedelta(days=b.random.randint(7, 45))


def _personas(people: list[Person], ceo: Person) -> dict[str, Person]:
    """Stable, representative people: an engineer in the largest team, its manager, someone in
    HR operations and in learning and development, and the chief executive."""
    active = [p for p in people if p.leave_date is None and p.level < 8]

    def pick(team: str, division: str, taken: tuple[Person, ...] = ()) -> Person:
        members = [
            p for p in active if not p.reports and p.department[-1] == team and p not in taken
        ]
        members = members or [p for p in active if p.department[0] == division and p not in taken]
        return members[0]

    engineers = [
        p for p in active if not p.reports and p.department[0] == "Engineering" and p.manager
    ]
    employee = max(
        engineers,
        key=lambda p: (
            p.department[-1] == "Web",
            len(p.manager.reports) if p.manager else 0,
            -p.key,
        ),
    )
    assert employee.manager is not None
    hr_admin = pick("HR Operations", "People")
    return {
        "employee": employee,
        "manager": employee.manager,
        "hr_admin": hr_admin,
        "ld_admin": pick("Learning and Development", "People", (hr_admin,)),
        "executive": ceo,
    }
