"""Scheduled learning work (declared in learnloop/jobs/schedule.py)."""

from __future__ import annotations

from django.tasks import task

from learnloop.learning import actions, tracing


@task
def remind_mandatory_training() -> int:
    """Daily: e-mail people whose mandatory training is due within a week or overdue."""
    return actions.send_reminders()


@task
def refit_knowledge_models() -> int:
    """Weekly: fit each organization's knowledge-tracing model on its own quiz answers."""
    from learnloop.people.models import Organization

    fitted = 0
    for organization_id in Organization.objects.values_list("pk", flat=True):
        if tracing.refit(organization_id) is not None:
            fitted += 1
    return fitted
