"""Skills taxonomy, frameworks and role profiles, and employees' evidence-based skill claims."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from learnloop.people.models import Employee, JobRole, Organization


class SkillKind(models.TextChoices):
    SKILL = "skill", "Skill"
    KNOWLEDGE = "knowledge", "Knowledge"
    TRANSVERSAL = "transversal", "Transversal"


class TaxonomyVersion(models.Model):
    """One load of a taxonomy (an ESCO release); skills remember the version they came from."""

    name = models.CharField(max_length=100, unique=True)
    source = models.CharField(max_length=200, help_text="Where the data came from.")
    loaded_at = models.DateTimeField(default=timezone.now)
    skill_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return self.name


class SkillGroup(models.Model):
    """A node of the ESCO skills hierarchy (e.g. S4.5 "managing staff")."""

    code = models.CharField(max_length=40, unique=True)
    uri = models.CharField(max_length=300, blank=True)
    label = models.CharField(max_length=300)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Skill(models.Model):
    """A taxonomy skill (``organization`` empty) or an organization's own skill."""

    uri = models.CharField(max_length=300, blank=True, db_index=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="own_skills"
    )
    version = models.ForeignKey(
        TaxonomyVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="skills"
    )
    label = models.CharField(max_length=300)
    alt_labels = models.JSONField(default=list, blank=True)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=SkillKind.choices, default=SkillKind.SKILL)
    groups = models.ManyToManyField(SkillGroup, blank=True, related_name="skills")
    related = models.ManyToManyField("self", blank=True, symmetrical=False, related_name="+")
    # A skill dropped from a newer taxonomy release stays for the claims that point at it.
    obsolete = models.BooleanField(default=False)

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(
                fields=["uri"], condition=~models.Q(uri=""), name="skill_unique_uri"
            ),
            models.UniqueConstraint(
                fields=["organization", "label"],
                condition=models.Q(organization__isnull=False),
                name="skill_unique_org_label",
            ),
        ]
        indexes = [models.Index(fields=["label"])]

    def __str__(self) -> str:
        return self.label


class OrganizationSkillSetting(models.Model):
    """An organization's synonyms for a skill, or the skill hidden as irrelevant to it."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="skill_settings"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="settings")
    synonyms = models.JSONField(default=list, blank=True)
    hidden = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "skill"], name="skill_setting_unique")
        ]

    def __str__(self) -> str:
        return f"{self.skill} in {self.organization}"


class Occupation(models.Model):
    uri = models.CharField(max_length=300, unique=True)
    version = models.ForeignKey(
        TaxonomyVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    label = models.CharField(max_length=300)
    alt_labels = models.JSONField(default=list, blank=True)
    description = models.TextField(blank=True)
    skills = models.ManyToManyField(Skill, through="OccupationSkill", related_name="occupations")

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class OccupationSkill(models.Model):
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE)
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE)
    essential = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["occupation", "skill"], name="occupation_skill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.occupation} needs {self.skill}"


class ProficiencyScale(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="proficiency_scales"
    )
    name = models.CharField(max_length=120)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="scale_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ProficiencyLevel(models.Model):
    scale = models.ForeignKey(ProficiencyScale, on_delete=models.CASCADE, related_name="levels")
    value = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=80)
    anchor = models.TextField(help_text="What someone at this level can be seen doing.")

    class Meta:
        ordering = ["scale", "value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "value"], name="level_unique_value")
        ]

    def __str__(self) -> str:
        return f"{self.value} · {self.name}"


# RESTRICT rather than PROTECT below: a skill or scale in use cannot be deleted on its own,
# but deleting the organization takes its frameworks, profiles and claims with it.


class Framework(models.Model):
    """A competency framework: the skills an organization groups under named competencies."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="frameworks"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    scale = models.ForeignKey(ProficiencyScale, on_delete=models.RESTRICT, related_name="+")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="framework_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class FrameworkSkill(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="entries")
    skill = models.ForeignKey(Skill, on_delete=models.RESTRICT, related_name="+")
    competency = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["competency", "skill__label"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "skill"], name="framework_skill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.framework}: {self.skill}"


class RoleProfile(models.Model):
    """What a role needs: skills with a target level and a weight."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="role_profiles"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    job_role = models.OneToOneField(
        JobRole, null=True, blank=True, on_delete=models.SET_NULL, related_name="skill_profile"
    )
    occupation = models.ForeignKey(
        Occupation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    framework = models.ForeignKey(
        Framework, null=True, blank=True, on_delete=models.SET_NULL, related_name="role_profiles"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="roleprofile_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class RoleRequirement(models.Model):
    profile = models.ForeignKey(RoleProfile, on_delete=models.CASCADE, related_name="requirements")
    skill = models.ForeignKey(Skill, on_delete=models.RESTRICT, related_name="+")
    target_level = models.PositiveSmallIntegerField()
    weight = models.FloatField(default=1.0)

    class Meta:
        ordering = ["-weight", "skill__label"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "skill"], name="requirement_unique_skill"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="requirement_positive_weight"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile}: {self.skill} at {self.target_level}"


class CareerPath(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="career_paths"
    )
    source = models.ForeignKey(RoleProfile, on_delete=models.CASCADE, related_name="paths_out")
    target = models.ForeignKey(RoleProfile, on_delete=models.CASCADE, related_name="paths_in")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="careerpath_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class Source(models.TextChoices):
    SELF = "self", "Self-assessment"
    MANAGER = "manager", "Manager validation"
    PEER = "peer", "Peer endorsement"
    ASSESSMENT = "assessment", "Assessment result"
    LEARNING = "learning", "Completed learning"
    INFERRED = "inferred", "Inferred from text (accepted)"


class SkillClaim(models.Model):
    """One piece of evidence that an employee has a skill at a level. Claims are never edited:
    a new claim from the same source supersedes the older one in the profile."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="skill_claims")
    skill = models.ForeignKey(Skill, on_delete=models.RESTRICT, related_name="claims")
    level = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=20, choices=Source.choices)
    evidence = models.TextField(blank=True)
    evidence_ref = models.CharField(max_length=300, blank=True, help_text="Course, assessment…")
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    observed_on = models.DateField(default=timezone.localdate)
    confidence = models.FloatField(default=1.0)
    withdrawn = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-observed_on", "-created_at"]
        indexes = [models.Index(fields=["employee", "skill"])]

    def __str__(self) -> str:
        return f"{self.skill} {self.level} ({self.get_source_display()})"


class EmployeeSkill(models.Model):
    """The combined profile entry, kept in step with the claims by every action that writes
    them, so team and company views aggregate one row per person and skill."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="holders")
    level = models.FloatField()
    confidence = models.FloatField()
    validated = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["employee", "skill"], name="employeeskill_unique")
        ]
        indexes = [models.Index(fields=["skill", "level"])]

    def __str__(self) -> str:
        return f"{self.employee}: {self.skill} {self.level:.1f}"


class Suggestion(models.Model):
    """A skill read out of an employee's text, waiting for them to accept or reject it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="suggestions")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    sentence = models.TextField()
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    score = models.FloatField()
    source_name = models.CharField(max_length=255, blank=True, help_text="The uploaded file.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    job = models.ForeignKey(
        "InferenceJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score"]
        indexes = [models.Index(fields=["employee", "status"])]

    def __str__(self) -> str:
        return f"{self.skill} for {self.employee} ({self.status})"

    @property
    def before(self) -> str:
        return self.sentence[: self.span_start] if self.span_start is not None else ""

    @property
    def evidence(self) -> str:
        if self.span_start is None or self.span_end is None:
            return self.sentence
        return self.sentence[self.span_start : self.span_end]

    @property
    def after(self) -> str:
        return self.sentence[self.span_end :] if self.span_end is not None else ""


class CareerGoal(models.Model):
    """The role an employee is working towards; gap analysis compares them with it."""

    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, related_name="career_goal")
    profile = models.ForeignKey(RoleProfile, on_delete=models.CASCADE, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.employee} → {self.profile}"


STALE_AFTER = datetime.timedelta(minutes=5)


class QueuedJob(models.Model):
    """Reading skills out of a text, queued for the worker (``skills.tasks``) because the
    sentence model takes seconds; the page polls the job and the API answers 202 with it.
    The text is kept only until the job ends."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the worker"
        RUNNING = "running", "Reading"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def waiting_long(self) -> bool:
        """Unfinished after five minutes: the worker is probably not running."""
        return not self.finished and timezone.now() - self.created_at > STALE_AFTER


class InferenceJob(QueuedJob):
    """A pasted text or uploaded document of an employee's: the worker stores its skills as
    suggestions. Once it ends only the suggestions (each with its one sentence of evidence)
    or the error remain."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="inference_jobs")
    source_name = models.CharField(max_length=255, blank=True)
    document = models.BinaryField(blank=True, default=b"")
    suggestion_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["employee", "status"])]

    def __str__(self) -> str:
        return f"{self.source_name or 'text'} for {self.employee} ({self.status})"


class TaggingJob(QueuedJob):
    """Tagging a description (a role profile's, or any text sent to ``POST /skills/tag``)
    with the skills it covers. Writes nothing else: ``results`` lists the skills found, each
    ``{"skill": id, "score", "sentence", "span": [start, end] | null}``, best first."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="tagging_jobs"
    )
    profile = models.ForeignKey(
        RoleProfile, null=True, blank=True, on_delete=models.CASCADE, related_name="tagging_jobs"
    )
    top = models.PositiveSmallIntegerField(default=10)
    results = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"tagging {self.profile or 'text'} ({self.status})"
