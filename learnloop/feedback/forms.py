"""Form parsing for the pages; the rules themselves live in actions."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from learnloop.feedback.models import (
    AfterActionReview,
    CheckInSeries,
    Contribution,
    Feedback,
    KeyResult,
    Objective,
    Period,
    Visibility,
)
from learnloop.people.models import Employee, active_employees


def colleagues(viewer: Employee) -> forms.ModelChoiceField[Employee]:
    return forms.ModelChoiceField(
        queryset=active_employees()
        .filter(organization=viewer.organization_id)
        .exclude(pk=viewer.pk)
        .select_related("user")
        .order_by("user__full_name"),
    )


class GiveForm(forms.Form):
    recipient = forms.ModelChoiceField(queryset=Employee.objects.none(), label="To")
    kind = forms.ChoiceField(choices=Feedback.Kind.choices)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="Your feedback")
    visibility = forms.ChoiceField(choices=Visibility.choices, label="Who may read it")
    skills = forms.CharField(required=False, help_text="Comma-separated, e.g. Facilitation, SQL")
    objective = forms.ModelChoiceField(
        queryset=Objective.objects.none(), required=False, label="About a goal"
    )
    project = forms.CharField(required=False, max_length=200, label="About a project")

    def __init__(self, viewer: Employee, allowed: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"] = colleagues(viewer)
        self.fields["recipient"].label = "To"
        choices = [c for c in Visibility.choices if c[0] in allowed]
        self.fields["visibility"].choices = choices  # type: ignore[attr-defined]
        self.fields["objective"].queryset = Objective.objects.filter(  # type: ignore[attr-defined]
            organization=viewer.organization_id, private=False
        ).order_by("-period__start", "title")


class RequestForm(forms.Form):
    about = forms.CharField(max_length=300, label="What would you like feedback on?")
    question = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Question"
    )
    respondents = forms.ModelMultipleChoiceField(
        queryset=Employee.objects.none(), label="Ask these colleagues"
    )
    due_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Due")
    anonymous = forms.BooleanField(
        required=False, label="Answers are anonymous (shown only together, once enough answered)"
    )

    def __init__(self, viewer: Employee, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = colleagues(viewer)
        self.fields["respondents"].queryset = field.queryset  # type: ignore[attr-defined]
        self.fields["respondents"].widget.attrs["size"] = 8
        if not self.is_bound:
            self.initial["due_date"] = timezone.localdate() + datetime.timedelta(days=7)


class SeriesForm(forms.Form):
    report = forms.ModelChoiceField(queryset=Employee.objects.none())
    first_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label="First meeting"
    )
    cadence = forms.ChoiceField(choices=CheckInSeries.Cadence.choices)
    duration_minutes = forms.IntegerField(min_value=5, max_value=240, initial=30, label="Minutes")

    def __init__(self, reports: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = reports  # type: ignore[attr-defined]


class ActionItemForm(forms.Form):
    text = forms.CharField(max_length=500, label="Action")
    owner = forms.ChoiceField(choices=())
    due_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Due"
    )

    def __init__(self, series: CheckInSeries, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            (series.report_id, str(series.report)),
            (series.manager_id, str(series.manager)),
        ]


class ObjectiveForm(forms.Form):
    title = forms.CharField(max_length=300)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    period = forms.ModelChoiceField(queryset=Period.objects.none())
    level = forms.ChoiceField(choices=Objective.Level.choices)
    parent = forms.ModelChoiceField(
        queryset=Objective.objects.none(), required=False, label="Aligns to"
    )
    learning_goal = forms.BooleanField(required=False, label="This is a learning goal")
    skills = forms.CharField(required=False, help_text="Comma-separated skills it grows")
    private = forms.BooleanField(
        required=False, label="Private (you and your managers only; individual goals)"
    )

    def __init__(self, periods: Any, parents: Any, levels: list[str], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods  # type: ignore[attr-defined]
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["level"].choices = [  # type: ignore[attr-defined]
            c for c in Objective.Level.choices if c[0] in levels
        ]


class KeyResultForm(forms.Form):
    title = forms.CharField(max_length=300, label="Key result")
    kind = forms.ChoiceField(choices=KeyResult.Kind.choices)
    start = forms.FloatField(initial=0)
    target = forms.FloatField(initial=1)
    unit = forms.CharField(required=False, max_length=30)


class UpdateForm(forms.Form):
    value = forms.FloatField(label="Now at")
    confidence = forms.IntegerField(min_value=1, max_value=10, label="Confidence (1 to 10)")
    note = forms.CharField(required=False, max_length=2000)


class ReviewForm(forms.Form):
    title = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=AfterActionReview.Kind.choices)
    happened_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    participants = forms.ModelMultipleChoiceField(queryset=Employee.objects.none())

    def __init__(self, viewer: Employee, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = colleagues(viewer).queryset  # type: ignore[attr-defined]
        self.fields["participants"].widget.attrs["size"] = 8


class ContributionForm(forms.Form):
    section = forms.ChoiceField(choices=Contribution.Section.choices)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class SummaryForm(forms.Form):
    expected = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    happened = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    why = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    keep = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    change = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class LessonForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Lesson")
    skills = forms.CharField(required=False)


class CycleForm(forms.Form):
    name = forms.CharField(max_length=120)
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


def first_error(form: forms.Form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label or field if field in form.fields else field
        return f"{label}: {errors[0]}"
    return "The form is not valid."
