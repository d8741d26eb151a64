"""The skills work that runs on the worker: reading skills out of a CV or a pasted text
(:func:`request_inference`) and tagging a description with the skills it covers
(:func:`request_tagging`). A request only queues the job; the worker's side runs the
sentence model and the document parsers, which take seconds, and stores the results or the
error on the job."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from learnloop.accounts.models import User
from learnloop.audit import events
from learnloop.people.models import Employee, Organization
from learnloop.skills import queries
from learnloop.skills.actions import MAX_TEXT, SkillsError, suggest_from_text
from learnloop.skills.documents import check_upload, extract_text
from learnloop.skills.models import InferenceJob, QueuedJob, RoleProfile, TaggingJob
from learnloop.uploads import UploadError

logger = logging.getLogger(__name__)


@transaction.atomic
def request_inference(
    employee: Employee,
    *,
    actor: User | None,
    text: str = "",
    document: bytes | None = None,
    source_name: str = "",
) -> InferenceJob:
    """Queue a pasted text or an uploaded document (even an empty one: it is refused as
    empty, not mistaken for a missing paste) for the worker, which reads it and stores the
    suggestions (:func:`run_inference`). Only checks that need no parsing happen here, so
    the request returns at once."""
    if document is not None:
        source_name = source_name or "upload"
        try:
            check_upload(source_name, len(document))
        except UploadError as exc:
            raise SkillsError(str(exc)) from None
        text = ""
    else:
        text = text.replace("\x00", "")[:MAX_TEXT]
        if not text.strip():
            raise SkillsError("text: paste some text or choose a file")
        source_name = source_name or "pasted text"
    job = InferenceJob.objects.create(
        employee=employee,
        requested_by=actor,
        source_name=source_name[:255],
        text=text,
        document=document or b"",
    )
    events.record(
        "skills.inference_requested",
        actor=actor,
        target=job,
        data={"employee": employee.pk, "source_name": job.source_name},
    )
    transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job: QueuedJob) -> None:
    from learnloop.skills import tasks

    task = tasks.infer_skills if isinstance(job, InferenceJob) else tasks.tag_skills
    try:
        task.enqueue(job.pk)
    except Exception:  # an unreachable queue must not turn the request into a server error
        logger.exception("could not enqueue skills job %s", job)
        _fail(
            type(job),
            job.pk,
            "The background worker could not be reached; nothing was added. Try again later.",
        )


def _take(model: type[QueuedJob], job_id: int) -> bool:
    """Only a pending job can be taken, so a job queued twice runs once."""
    return bool(
        model._default_manager.filter(pk=job_id, status=QueuedJob.Status.PENDING).update(
            status=QueuedJob.Status.RUNNING, started_at=timezone.now()
        )
    )


def _close(job: QueuedJob, status: str, *fields: str) -> None:
    """End the job and drop its input (text, file): only the results or the error remain."""
    job.status = status
    job.text = ""
    job.finished_at = timezone.now()
    if isinstance(job, InferenceJob):
        job.document = b""
        fields += ("document",)
    job.save(update_fields=["status", "text", "finished_at", *fields])


@transaction.atomic
def _fail(model: type[QueuedJob], job_id: int, message: str) -> None:
    job = model._default_manager.select_for_update().get(pk=job_id)
    job.error = message[:2000]
    _close(job, QueuedJob.Status.FAILED, "error")
    if isinstance(job, InferenceJob):
        action, data = "skills.inference_failed", {"employee": job.employee_id}
    else:
        action, data = "skills.tagging_failed", {}
    events.record(action, actor_label="worker", target=job, data={**data, "error": job.error})


def _engine_failure(model: type[QueuedJob], job_id: int, exc: Exception) -> bool:
    """Fail the job for an exception of the engine; False when it is a bug to re-raise."""
    if isinstance(exc, LookupError | FileNotFoundError):
        _fail(model, job_id, f"The skills engine is not ready: {str(exc).strip(chr(39) + chr(34))}")
        return True
    _fail(
        model, job_id, "Reading skills out of this text failed; nothing was added. Try again later."
    )
    return False


def run_inference(job_id: int) -> InferenceJob | None:
    """The worker's side: read the document, rank skills, store the suggestions and finish
    the job in one transaction, so a failure leaves no suggestion behind, only the error.
    Returns None when the job is gone or another worker already took it."""
    if not _take(InferenceJob, job_id):
        return None
    job = InferenceJob.objects.select_related("employee__organization", "requested_by").get(
        pk=job_id
    )
    try:
        # Parser failures of any kind come back as UploadError (uploads.sandbox).
        text = extract_text(job.source_name, bytes(job.document)) if job.document else job.text
        with transaction.atomic():
            created = suggest_from_text(
                job.employee,
                text.replace("\x00", ""),
                actor=job.requested_by,
                source_name=job.source_name,
                job=job,
            )
            job.suggestion_count = len(created)
            _close(job, QueuedJob.Status.DONE, "suggestion_count")
    except UploadError as exc:
        _fail(InferenceJob, job.pk, str(exc))
    except Exception as exc:
        if not _engine_failure(InferenceJob, job.pk, exc):
            raise
    job.refresh_from_db()
    return job


@transaction.atomic
def request_tagging(
    organization: Organization,
    text: str,
    *,
    actor: User | None,
    profile: RoleProfile | None = None,
    top: int = 10,
) -> TaggingJob:
    """Queue a description for the worker to tag with the skills it covers
    (:func:`run_tagging`): the sentence model takes seconds, too long for a request."""
    text = text.replace("\x00", "")[:MAX_TEXT]
    if not text.strip():
        raise SkillsError("text: there is no text to tag")
    if profile is not None and profile.organization_id != organization.pk:
        raise SkillsError("profile: not a role of this organization")
    job = TaggingJob.objects.create(
        organization=organization,
        requested_by=actor,
        profile=profile,
        text=text,
        top=max(1, min(top, 50)),
    )
    events.record(
        "skills.tagging_requested",
        actor=actor,
        target=job,
        data={"profile": profile.pk if profile else None},
    )
    transaction.on_commit(lambda: _enqueue(job))
    return job


def run_tagging(job_id: int) -> TaggingJob | None:
    """The worker's side of :func:`request_tagging`: rank the skills and store them on the
    job. Returns None when the job is gone or another worker already took it."""
    if not _take(TaggingJob, job_id):
        return None
    job = TaggingJob.objects.select_related("organization").get(pk=job_id)
    try:
        found = queries.infer_skills(job.organization, job.text)[: job.top]
        job.results = [
            {"skill": item.skill.pk, "score": item.score, "sentence": item.sentence[:2000],
             "span": list(item.span) if item.span else None}
            for item in found
        ]  # fmt: skip
        _close(job, QueuedJob.Status.DONE, "results")
    except Exception as exc:
        if not _engine_failure(TaggingJob, job.pk, exc):
            raise
    job.refresh_from_db()
    return job
