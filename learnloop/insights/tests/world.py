"""A 20-person organization with departments of 8, 6 and 2 people and 4 without one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from learnloop.people.models import Department, Employee, Location
from learnloop.people.tests.factories import DepartmentFactory, EmployeeFactory, LocationFactory

TODAY = dt.date(2026, 6, 30)


@dataclass
class World:
    org: Any
    engineering: Department
    sales: Department
    legal: Department
    berlin: Location
    lisbon: Location
    engineers: list[Employee]
    sellers: list[Employee]
    lawyers: list[Employee]


def new_person(**fields: Any) -> Employee:
    return cast(Employee, EmployeeFactory(**fields))


def build(org: Any) -> World:
    o = org.organization
    engineering = DepartmentFactory(organization=o, name="Engineering")
    sales = DepartmentFactory(organization=o, name="Sales")
    legal = DepartmentFactory(organization=o, name="Legal")
    berlin = LocationFactory(organization=o, name="Berlin")
    lisbon = LocationFactory(organization=o, name="Lisbon")
    engineers = [org.manager, org.employee, org.peer] + [
        new_person(organization=o, manager=org.manager) for _ in range(5)
    ]
    sellers = [new_person(organization=o, manager=org.ceo) for _ in range(6)]
    lawyers = [new_person(organization=o, manager=org.ceo) for _ in range(2)]
    for i, person in enumerate(engineers):
        person.department = engineering
        person.location = berlin if i < 7 else lisbon
        person.save()
    for group, department in ((sellers, sales), (lawyers, legal)):
        for person in group:
            person.department = department
            person.location = lisbon
            person.save()
    return World(org, engineering, sales, legal, berlin, lisbon, engineers, sellers, lawyers)
