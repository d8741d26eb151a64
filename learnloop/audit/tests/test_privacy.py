"""Private records (learnloop.audit.privacy) lend no words to the audit trail or the LRS."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from learnloop.audit import events
from learnloop.audit.models import AuditEvent
from learnloop.audit.privacy import PrivateRecord
from learnloop.conftest import Org
from learnloop.feedback import actions as okr
from learnloop.xapi import recorder
from learnloop.xapi.models import Activity, Statement

SECRET = "PRIVATE-WORDS-5150"


def _has_privacy_flag(model: type[models.Model]) -> bool:
    """A ``private`` field, or a choice named "private" (feedback's visibility)."""
    return any(
        field.name == "private"
        or any(isinstance(c, tuple) and c[0] == "private" for c in field.choices or ())
        for field in model._meta.concrete_fields
    )


def _parent(
    model: type[models.Model], private: set[type[models.Model]]
) -> models.ForeignKey | None:
    """The required link to a private record, whose words a row (a key result of a private
    objective) shares."""
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, models.ForeignKey)
            and not field.null
            and field.related_model in private
        ):
            return field
    return None


def _private_models() -> set[type[models.Model]]:
    found: set[type[models.Model]] = {
        m for m in apps.get_models() if _has_privacy_flag(m) or issubclass(m, PrivateRecord)
    }
    while True:
        more = {m for m in apps.get_models() if m not in found and _parent(m, found)}
        if not more:
            return found
        found |= more


def _private_instance(model: type[models.Model], private: set[type[models.Model]]) -> Any:
    """An unsaved row in its private state with every free text set to SECRET."""
    row = model(pk=7)
    for field in model._meta.concrete_fields:
        if field.name == "private":
            setattr(row, field.attname, True)
        elif field.choices and any(
            isinstance(c, tuple) and c[0] == "private" for c in field.choices
        ):
            setattr(row, field.attname, "private")
        elif isinstance(field, (models.CharField, models.TextField)) and not field.choices:
            setattr(row, field.attname, SECRET)
    parent = _parent(model, private)
    if parent is not None:
        setattr(row, parent.name, _private_instance(parent.related_model, private))
    return row


def test_the_walk_finds_the_private_records_of_the_issue() -> None:
    names = {_label(m) for m in _private_models()}
    assert {"feedback.objective", "feedback.keyresult", "mentoring.goal"} <= names


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


PRIVATE_MODELS = sorted(_private_models(), key=_label)


@pytest.mark.parametrize("model", PRIVATE_MODELS)
def test_every_model_with_a_privacy_flag_is_named_by_kind_and_id_only(
    model: type[models.Model],
) -> None:
    """Flagged models, the rows that belong to them, and the declared ones: each declares
    itself a PrivateRecord, and in its private state gives the trail and the LRS no words."""
    assert issubclass(model, PrivateRecord), f"{model._meta.label} has a privacy flag"
    row = _private_instance(model, _private_models())
    assert row.is_private()
    event = events._build("test.private", None, "test", row, None)
    event.pk = 1
    statement = recorder._audit_statement(event).statement
    assert (event.target_type, event.target_id) == (model._meta.label_lower, "7")
    assert SECRET not in json.dumps([event.target_label, statement], default=str)


def _trail_and_lrs() -> str:
    trail = list(AuditEvent.objects.values_list("target_label", "data"))
    lrs = [s.data for s in Statement.objects.all()]
    activities = list(Activity.objects.values_list("definition", flat=True))
    return json.dumps([trail, lrs, activities], default=str)


def test_a_private_objective_s_key_results_leave_no_title_in_the_trail_or_the_lrs(
    org: Org,
) -> None:
    period = okr.current_period(org.organization)
    objective = okr.create_objective(
        org.employee, period=period, level="individual", title=f"{SECRET} goal", private=True
    )
    kr = okr.add_key_result(objective, by=org.employee, title=f"{SECRET} kr", target=10)
    okr.update_key_result(kr, by=org.employee, value=3, confidence=7, note="fine")
    assert SECRET not in _trail_and_lrs()
    added = AuditEvent.objects.get(action="okr.key_result_added")
    assert (added.target_type, added.target_id) == ("feedback.keyresult", str(kr.pk))


def test_a_shared_objective_s_key_results_keep_their_titles(org: Org) -> None:
    period = okr.current_period(org.organization)
    objective = okr.create_objective(
        org.manager, period=period, level="team", title="Team ships weekly"
    )
    okr.add_key_result(objective, by=org.manager, title="Ten releases", target=10)
    assert AuditEvent.objects.get(action="okr.key_result_added").target_label == "Ten releases"
