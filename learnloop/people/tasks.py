from __future__ import annotations

from django.tasks import task

from learnloop.people import actions


@task
def close_leaver_accounts() -> int:
    return actions.deactivate_leavers()
