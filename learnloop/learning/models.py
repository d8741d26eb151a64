"""Learning tables: the catalog, enrollments and progress, assessments, certificates, paths and
per-skill mastery for knowledge tracing.

Writes go through :mod:`learnloop.learning.actions`; these models keep only small invariants.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from learnloop.people.models import Employee, JobRole, Organization
from learnloop.skills.models import RoleProfile, Skill
from learnloop.xapi import profile as xapi


class Kind(models.TextChoices):
    COURSE = "course", "Course"
    MICRO_LESSON = "micro_lesson", "Micro-lesson"
    ARTICLE = "article", "Article"
    VIDEO = "video", "Video"
    BOOK = "book", "Book"
    EXTERNAL_COURSE = "external_course", "External course (MOOC)"
    EXPERT_SESSION = "expert_session", "Expert session"
    PRACTICE_PROJECT = "practice_project", "Practice project"


# The xAPI activity type of each kind (docs/xapi-profile.md).
KIND_TYPES = {
    Kind.COURSE: xapi.COURSE,
    Kind.MICRO_LESSON: xapi.MICRO_LESSON,
    Kind.ARTICLE: xapi.ARTICLE,
    Kind.VIDEO: xapi.VIDEO,
    Kind.BOOK: xapi.BOOK,
    Kind.EXTERNAL_COURSE: xapi.EXTERNAL_COURSE,
    Kind.EXPERT_SESSION: xapi.EXPERT_SESSION,
    Kind.PRACTICE_PROJECT: xapi.PRACTICE_PROJECT,
}


class Format(models.TextChoices):
    SELF_PACED = "self_paced", "Self-paced online"
    LIVE_ONLINE = "live_online", "Live online"
    IN_PERSON = "in_person", "In person"
    READING = "reading", "Reading"
    VIDEO = "video", "Video"
    HANDS_ON = "hands_on", "Hands-on"


class Item(models.Model):
    """One learning item of the catalog, of any kind (a course has modules and lessons)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="learning_items"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COURSE)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    duration_minutes = models.PositiveIntegerField(default=60)
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.SELF_PACED)
    language = models.CharField(max_length=8, default="en", help_text="ISO 639-1 code.")
    cost = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    provider = models.CharField(max_length=200, blank=True)
    audience = models.CharField(max_length=300, blank=True, help_text="Who the item is for.")
    audience_roles = models.ManyToManyField(JobRole, blank=True, related_name="+")
    prerequisite_items = models.ManyToManyField(
        "self", blank=True, symmetrical=False, related_name="required_by"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "title"], name="learning_item_title"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def hours(self) -> float:
        return self.duration_minutes / 60

    @property
    def activity_type(self) -> str:
        return KIND_TYPES[Kind(self.kind)]


class ItemSkill(models.Model):
    """A skill the item teaches and the level it brings a learner to. Suggested rows come from
    the skills engine and count only once L&D confirms them."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.RESTRICT, related_name="+")
    level = models.PositiveSmallIntegerField(default=2)
    confirmed = models.BooleanField(default=True)
    score = models.FloatField(null=True, blank=True, help_text="The engine's confidence.")
    evidence = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "skill"], name="learning_itemskill_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.skill} → {self.level}"


class SkillPrerequisite(models.Model):
    """The item expects the learner to hold ``skill`` at ``level`` before starting."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="prerequisite_skills")
    skill = models.ForeignKey(Skill, on_delete=models.RESTRICT, related_name="+")
    level = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "skill"], name="learning_skillprereq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item} needs {self.skill} {self.level}"


class Module(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["item", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    minutes = models.PositiveIntegerField(default=10)
    body = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["module__position", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class EnrollmentSource(models.TextChoices):
    SELF = "self", "Self"
    MANAGER = "manager", "Manager"
    LEARNING_TEAM = "learning-team", "Learning team"


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "Enrolled"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class Enrollment(models.Model):
    """A person's registration in an item; its UUID is the xAPI registration of every
    statement about it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="enrollments")
    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="learning_enrollments"
    )
    source = models.CharField(
        max_length=20, choices=EnrollmentSource.choices, default=EnrollmentSource.SELF
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    mandatory = models.BooleanField(default=False)
    status = models.CharField(
        max_length=20, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ENROLLED
    )
    progress = models.FloatField(default=0.0)
    seconds_spent = models.PositiveIntegerField(default=0)
    enrolled_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["item", "employee"], name="learning_enrollment_unique"),
            models.CheckConstraint(
                condition=models.Q(progress__gte=0) & models.Q(progress__lte=1),
                name="learning_enrollment_progress_range",
            ),
        ]
        indexes = [models.Index(fields=["employee", "status"])]

    def __str__(self) -> str:
        return f"{self.employee} in {self.item}"

    @property
    def is_completed(self) -> bool:
        return self.status == EnrollmentStatus.COMPLETED

    def is_overdue(self, today: object = None) -> bool:
        day = today or timezone.localdate()
        return self.due_date is not None and not self.is_completed and self.due_date < day  # type: ignore[operator]


class LessonProgress(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="lessons")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(default=timezone.now)
    seconds = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "lesson"], name="learning_lesson_once"),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment}: {self.lesson}"


class Rating(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="ratings")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["item", "employee"], name="learning_rating_once"),
            models.CheckConstraint(
                condition=models.Q(stars__gte=1) & models.Q(stars__lte=5),
                name="learning_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stars}/5 for {self.item}"


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    TRUE_FALSE = "true_false", "True or false"
    NUMERIC = "numeric", "Short numeric"


class Question(models.Model):
    """A question of the organization's bank, tagged to the skill (and level) it tests.

    ``answer`` holds the correct choice indexes (single/multiple), ``true``/``false`` or the
    number; ``tolerance`` is the accepted absolute error of a numeric answer."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="learning_questions"
    )
    skill = models.ForeignKey(Skill, on_delete=models.RESTRICT, related_name="+")
    level = models.PositiveSmallIntegerField(default=2)
    kind = models.CharField(max_length=12, choices=QuestionKind.choices)
    text = models.TextField()
    choices = models.JSONField(default=list, blank=True)
    answer = models.JSONField()
    tolerance = models.FloatField(default=0.0)
    explanation = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.text[:80]


class Quiz(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="quizzes")
    title = models.CharField(max_length=300)
    pass_mark = models.FloatField(default=0.7, help_text="Share of right answers to pass.")
    max_attempts = models.PositiveSmallIntegerField(null=True, blank=True)
    questions = models.ManyToManyField(Question, related_name="quizzes")

    class Meta:
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.title


class Attempt(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Attempt {self.number} at {self.quiz}"


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    response = models.JSONField()
    correct = models.BooleanField()
    mastery_before = models.FloatField(null=True, blank=True)
    mastery_after = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Answer to {self.question}"


class Certificate(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="certificate"
    )
    issued_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Certificate {self.code}"


class Curriculum(models.Model):
    """A fixed path authored by L&D, assignable to a team or role."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="learning_curricula"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "curricula"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class CurriculumItem(models.Model):
    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.curriculum}: {self.item}"


class TargetKind(models.TextChoices):
    CURRENT_ROLE = "current_role", "My current role"
    NEXT_ROLE = "next_role", "A next role"
    SKILLS = "skills", "Chosen skills"


class Path(models.Model):
    """A person's personalized path: the target, preferences and edits the planner reads, and
    the last plan it made (steps with reasons, what it skipped, the gap-close date)."""

    employee = models.OneToOneField(
        Employee, on_delete=models.CASCADE, related_name="learning_path"
    )
    target_kind = models.CharField(
        max_length=20, choices=TargetKind.choices, default=TargetKind.CURRENT_ROLE
    )
    target_role = models.ForeignKey(
        RoleProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_skills = models.JSONField(default=list, blank=True, help_text="[[skill_id, level]]")
    formats = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    weekly_hours = models.FloatField(default=3.0)
    dropped = models.JSONField(default=list, blank=True)
    pinned = models.JSONField(default=list, blank=True)
    order = models.JSONField(default=list, blank=True)
    plan = models.JSONField(default=dict, blank=True)
    closes_on = models.DateField(null=True, blank=True)
    planned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Path of {self.employee}"


class CurriculumAssignment(models.Model):
    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="assignments")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["curriculum", "employee"], name="learning_curriculum_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.curriculum} for {self.employee}"


class KnowledgeState(models.Model):
    """The knowledge-tracing state of one learner (``LearnerState.to_dict()``)."""

    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, related_name="+")
    state = models.JSONField(default=dict)
    answers = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Knowledge state of {self.employee}"


class Mastery(models.Model):
    """The tracer's estimate that the person answers the skill's next question right."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="masteries")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    estimate = models.FloatField()
    answers = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["employee", "skill"], name="learning_mastery_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.employee}: {self.skill} {self.estimate:.2f}"


class KnowledgeModel(models.Model):
    """A fitted knowledge-tracing model (``KnowledgeTracer.to_dict()``); the newest is used."""

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    model = models.JSONField()
    responses = models.PositiveIntegerField(default=0)
    fitted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Knowledge model {self.pk}"
