from __future__ import annotations

from django.tasks import task

from learnloop.people.models import Organization
from learnloop.skills import actions, jobs


@task
def refresh_profiles() -> int:
    """Re-age every organization's stored skill profiles: evidence loses weight as it ages."""
    return sum(
        actions.refresh_profiles(organization) for organization in Organization.objects.all()
    )


@task
def infer_skills(job_id: int) -> str:
    """Read skills out of a queued CV or text (see ``jobs.request_inference``)."""
    job = jobs.run_inference(job_id)
    return job.status if job is not None else "skipped"


@task
def tag_skills(job_id: int) -> str:
    """Tag a queued description with skills (see ``jobs.request_tagging``)."""
    job = jobs.run_tagging(job_id)
    return job.status if job is not None else "skipped"
