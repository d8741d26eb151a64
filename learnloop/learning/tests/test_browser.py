"""Chromium: the demo employee takes a quiz from their path and sees the path advance."""

from __future__ import annotations

import re
from typing import Any

import pytest

from learnloop.conftest import sign_in
from learnloop.learning.models import Mastery, Path, Quiz

pytestmark = pytest.mark.browser


def test_an_employee_takes_a_quiz_and_sees_the_path_advance(
    open_page: Any, personas: dict[str, Any]
) -> None:
    user = personas["employee"].user
    employee = user.employee
    path = Path.objects.get(employee=employee)
    answered = set(Mastery.objects.filter(employee=employee).values_list("skill_id", flat=True))
    # A step on the path whose quiz tests a skill the person has not answered on yet.
    quiz = next(
        q
        for step in path.plan["steps"]
        for q in Quiz.objects.filter(item_id=step["item"]).prefetch_related("questions")
        if not {x.skill_id for x in q.questions.all()} & answered
    )
    page = open_page()
    sign_in(page, user.email)
    page.goto("/learning/")
    steps = page.locator("#path-steps")
    steps.get_by_role("link", name=quiz.item.title).wait_for()

    page.goto(f"/learning/quizzes/{quiz.pk}/")
    for question in quiz.questions.order_by("pk"):
        if question.kind == "single":
            page.get_by_label(question.choices[question.answer[0]]).check()
        elif question.kind == "true_false":
            group = page.get_by_role("group", name=re.compile(re.escape(question.text[:30])))
            group.get_by_label("True" if question.answer else "False", exact=True).check()
        else:
            page.locator(f"#q{question.pk}").fill(str(question.answer))
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url(re.compile(r"/learning/attempts/\d+/$"))
    page.get_by_role("heading", name=re.compile("passed")).wait_for()
    page.get_by_text(re.compile("re-planned")).wait_for()

    page.goto("/learning/")
    page.locator("#skipped").get_by_text(quiz.item.title).wait_for()
    assert steps.get_by_role("link", name=quiz.item.title).count() == 0
    assert page.problems == []
