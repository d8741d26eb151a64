from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from learnloop.accounts.models import current_user
from learnloop.people.models import Department, Employee, Organization
from learnloop.permissions import Principal, can, principal_for, require
from learnloop.surveys import actions, queries, results
from learnloop.surveys.engine.answers import AnswerError
from learnloop.surveys.engine.instrument import KINDS, InstrumentError
from learnloop.surveys.models import Instrument, Pulse, Suggestion, TenureBand
from learnloop.surveys.queries import GroupFilter

MAX_IMPORT_BYTES = 1024 * 1024
LIKERT_LABELS = {
    "likert5": ("Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"),
    "likert7": (
        "Strongly disagree",
        "Disagree",
        "Somewhat disagree",
        "Neither",
        "Somewhat agree",
        "Agree",
        "Strongly agree",
    ),
}


def _organization(principal: Principal) -> Organization:
    if principal.organization is None:
        raise Http404("not part of an organization")
    return principal.organization


def _pulse(principal: Principal, pk: int) -> Pulse:
    return get_object_or_404(
        Pulse.objects.select_related("organization", "instrument"),
        pk=pk,
        organization=_organization(principal),
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "surveys.use")
    organization = _organization(principal)
    assert principal.employee is not None
    return render(
        request,
        "surveys/index.html",
        {
            "to_answer": queries.open_pulses_for(principal.employee),
            "closed": Pulse.objects.filter(organization=organization, status=Pulse.Status.CLOSED),
            "manage": can(principal, "surveys.manage"),
            "handle": can(principal, "surveys.handle_suggestions"),
        },
    )


# --- answering --------------------------------------------------------------------------------


def _form_answers(request: HttpRequest, pulse: Pulse) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for question in pulse.parsed().questions:
        if question.kind == "multiple":
            raw[question.key] = request.POST.getlist(question.key)
        else:
            raw[question.key] = request.POST.get(question.key, "")
    return raw


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "surveys.use")
    pulse = _pulse(principal, pk)
    employee = principal.employee
    assert employee is not None
    if not queries.is_invited(pulse, employee):
        raise Http404("not invited")
    definition = pulse.parsed()
    language = request.GET.get("lang") or request.POST.get("lang") or ""
    if language not in definition.languages:
        language = next(
            (lang for lang in employee.languages if lang in definition.languages),
            definition.languages[0],
        )
    problems: list[tuple[str, str]] = []
    given: dict[str, Any] = {}
    if request.method == "POST":
        given = _form_answers(request, pulse)
        try:
            actions.submit_response(pulse, employee, given, language=language)
        except AnswerError as exc:
            problems = exc.problems
        except actions.SurveyError as exc:
            messages.error(request, exc.message)
            return redirect("surveys:index")
        else:
            messages.success(request, "Thank you: your answers were stored without your name.")
            return redirect("surveys:index")
    errors = dict(problems)

    def field(question: Any) -> dict[str, Any]:
        value = given.get(question.key, "")
        if question.kind in ("likert5", "likert7"):
            scale = [
                (str(p), label)
                for p, label in zip(
                    range(1, question.points + 1), LIKERT_LABELS[question.kind], strict=True
                )
            ]
        elif question.kind == "nps":
            scale = [(str(p), str(p)) for p in range(11)]
        else:
            scale = [(o.key, o.translations.get(language, o.label)) for o in question.options]
        return {
            "q": question,
            "text": question.text_in(language),
            "scale": scale,
            "value": value if isinstance(value, str) else "",
            "values": value if isinstance(value, list) else [],
            "error": errors.get(question.key, ""),
        }

    sections = [
        (
            s.translations.get(language, s.title),
            [field(q) for q in definition.questions if q.section == s.key],
        )
        for s in definition.sections
    ]
    loose = [field(q) for q in definition.questions if q.section is None]
    if loose:
        sections.append(("", loose))
    return render(
        request,
        "surveys/answer.html",
        {
            "pulse": pulse,
            "definition": definition,
            "sections": sections,
            "language": language,
            "responded": queries.has_responded(pulse, employee),
            "problems": problems,
            "problem_keys": {key for key, _ in problems},
            "given": given,
            "k": pulse.organization.min_group_size,
        },
    )


# --- results ------------------------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def requested_group(params: Any) -> GroupFilter:
    tenure = params.get("tenure") or None
    return GroupFilter(
        department=_int(params.get("department")),
        team=_int(params.get("team")),
        location=_int(params.get("location")),
        tenure=tenure,
    )


@login_required
def results_page(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    pulse = _pulse(principal, pk)
    require(principal, "surveys.view_results", pulse)
    scope = results.scope_for(principal, pulse)
    try:
        group = results.resolve(scope, pulse, requested_group(request.GET))
    except results.ScopeError as exc:
        messages.error(request, f"{exc.field}: {exc.message}")
        group = scope.base
    viewer = current_user(request)
    shown = results.group_results(pulse, group, viewer)
    organization = pulse.organization
    k, k_comments = queries.thresholds(organization)
    context = {
        "pulse": pulse,
        "scope": scope,
        "group": group,
        "shown": shown,
        "heatmap": results.heatmap(pulse, scope, group, viewer) if shown.released else [],
        "trend": results.trend(pulse, group, viewer),
        "dimensions": pulse.parsed().dimensions,
        "k": k,
        "k_comments": k_comments,
        "departments": Department.objects.filter(organization=organization)
        if scope.can_filter and scope.manager is None
        else [],
        "teams": (
            Employee.objects.filter(
                manager_path__startswith=scope.manager.chain_prefix, direct_reports__isnull=False
            )
            .distinct()
            .select_related("user")
            if scope.manager is not None
            else []
        ),
        "locations": organization.locations.all() if scope.can_filter else [],
        "tenures": TenureBand.choices if scope.can_filter else [],
    }
    return render(request, "surveys/results.html", context)


# --- pulses (HR) --------------------------------------------------------------------------------


def _date(value: str | None, field: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        raise actions.SurveyError(field, "must be a date (YYYY-MM-DD)") from None


@login_required
@require_http_methods(["GET", "POST"])
def pulses(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "surveys.manage")
    organization = _organization(principal)
    if request.method == "POST":
        try:
            instrument = Instrument.objects.filter(
                organization=organization, pk=_int(request.POST.get("instrument")) or 0
            ).first()
            if instrument is None:
                raise actions.SurveyError("instrument", "choose an instrument")
            departments = list(
                Department.objects.filter(
                    organization=organization, pk__in=request.POST.getlist("departments")
                )
            )
            pulse = actions.create_pulse(
                organization,
                instrument,
                title=request.POST.get("title", ""),
                opens_on=_date(request.POST.get("opens_on"), "opens_on"),
                closes_on=_date(request.POST.get("closes_on"), "closes_on"),
                departments=departments,
                recurrence=request.POST.get("recurrence", "none"),
                reminder_every_days=_int(request.POST.get("reminder_every_days")) or 0,
                actor=current_user(request),
            )
        except actions.SurveyError as exc:
            messages.error(request, f"{exc.field}: {exc.message}")
        else:
            messages.success(
                request, f"Pulse “{pulse.title}” created ({pulse.get_status_display().lower()})."
            )
            return redirect("surveys:pulse", pk=pulse.pk)
    today = timezone.localdate()
    return render(
        request,
        "surveys/pulses.html",
        {
            "pulses": Pulse.objects.filter(organization=organization).select_related("instrument"),
            "instruments": Instrument.objects.filter(organization=organization),
            "departments": Department.objects.filter(organization=organization),
            "recurrences": Pulse.Recurrence.choices,
            "today": today.isoformat(),
            "in_two_weeks": (today + datetime.timedelta(days=14)).isoformat(),
        },
    )


@login_required
def pulse_detail(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    pulse = _pulse(principal, pk)
    require(principal, "surveys.view_participation", pulse)
    team_of = principal.employee if not can(principal, "surveys.manage") else None
    rows = queries.participation(pulse, team_of=team_of)
    if team_of is not None:
        rows = [r for r in rows if r.label in ("Everyone invited", "Your team")]
    return render(
        request,
        "surveys/pulse.html",
        {
            "pulse": pulse,
            "participation": rows,
            "manage": can(principal, "surveys.manage"),
            "k": pulse.organization.min_group_size,
        },
    )


@login_required
@require_POST
def pulse_close(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    pulse = _pulse(principal, pk)
    require(principal, "surveys.manage")
    try:
        actions.close_pulse(pulse, actor=current_user(request))
    except actions.SurveyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The pulse is closed; results are ready.")
    return redirect("surveys:pulse", pk=pulse.pk)


# --- instruments (HR) ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def instruments(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "surveys.manage")
    organization = _organization(principal)
    problems: list[tuple[str, str]] = []
    if request.method == "POST":
        try:
            if "library" in request.POST:
                instrument = actions.add_library_instrument(
                    organization, request.POST["library"], actor=current_user(request)
                )
            elif "file" in request.FILES:
                upload = request.FILES.get("file")
                assert upload is not None
                if (upload.size or 0) > MAX_IMPORT_BYTES:
                    raise InstrumentError([("", "the file is larger than 1 MB")])
                try:
                    text = upload.read().decode("utf-8-sig")
                except UnicodeDecodeError:
                    raise InstrumentError([("", "the file is not UTF-8 text")]) from None
                instrument = actions.import_instrument(
                    organization, text, actor=current_user(request)
                )
            else:
                instrument = actions.create_instrument(
                    organization,
                    request.POST.get("key", ""),
                    request.POST.get("name", ""),
                    actor=current_user(request),
                )
        except InstrumentError as exc:
            problems = exc.problems
        else:
            messages.success(request, f"“{instrument.name}” is ready to use.")
            return redirect("surveys:instrument", pk=instrument.pk)
    present = set(
        Instrument.objects.filter(organization=organization).values_list("key", flat=True)
    )
    return render(
        request,
        "surveys/instruments.html",
        {
            "instruments": Instrument.objects.filter(organization=organization),
            "library": [doc for key, doc in queries.library().items() if key not in present],
            "problems": problems,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "surveys.manage")
    instrument = get_object_or_404(Instrument, pk=pk, organization=_organization(principal))
    problems: list[tuple[str, str]] = []
    if request.method == "POST":
        change = request.POST.get("change", "")
        payload = _builder_payload(request, change)
        try:
            actions.edit_instrument(instrument, change, payload, actor=current_user(request))
        except InstrumentError as exc:
            problems = exc.problems
        except actions.SurveyError as exc:
            problems = [(exc.field, exc.message)]
        else:
            messages.success(request, "Saved.")
            return redirect("surveys:instrument", pk=instrument.pk)
    return render(
        request,
        "surveys/instrument.html",
        {
            "instrument": instrument,
            "definition": instrument.parsed(),
            "problems": problems,
            "kinds": KINDS,
        },
    )


def _builder_payload(request: HttpRequest, change: str) -> dict[str, Any]:
    post = request.POST
    if change == "add_question":
        payload: dict[str, Any] = {
            "key": post.get("key", ""),
            "type": post.get("type", ""),
            "text": post.get("text", ""),
        }
        for name in ("section", "dimension"):
            if post.get(name):
                payload[name] = post[name]
        payload["reverse"] = post.get("reverse") == "on"
        payload["required"] = post.get("required") == "on"
        options = [line.strip() for line in post.get("options", "").splitlines() if line.strip()]
        if options:
            payload["options"] = [
                {"key": f"o{i + 1}", "label": label} for i, label in enumerate(options)
            ]
        translation = post.get("translation_text", "").strip()
        if translation and post.get("translation_language"):
            payload["translations"] = {post["translation_language"]: translation}
        return payload
    if change == "remove_question":
        return {"key": post.get("key", "")}
    if change == "add_dimension":
        return {
            "key": post.get("key", ""),
            "name": post.get("name", ""),
            "guidance": post.get("guidance", ""),
        }
    if change == "add_section":
        return {"key": post.get("key", ""), "title": post.get("title", "")}
    return {}


@login_required
def instrument_export(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "surveys.manage")
    instrument = get_object_or_404(Instrument, pk=pk, organization=_organization(principal))
    response = JsonResponse(
        instrument.definition, json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="{instrument.key}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "surveys.manage")
    organization = _organization(principal)
    if request.method == "POST":
        try:
            actions.save_settings(
                organization,
                min_group_size=_int(request.POST.get("min_group_size")) or 0,
                comment_min_group_size=_int(request.POST.get("comment_min_group_size")) or 0,
                actor=current_user(request),
            )
        except actions.SurveyError as exc:
            messages.error(request, f"{exc.field}: {exc.message}")
        else:
            messages.success(request, "Anonymity thresholds saved.")
            return redirect("surveys:settings")
    k, k_comments = queries.thresholds(organization)
    return render(request, "surveys/settings.html", {"k": k, "k_comments": k_comments})


# --- suggestion box ------------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def suggestion_new(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "surveys.suggest")
    organization = _organization(principal)
    departments = Department.objects.filter(organization=organization, parent__isnull=True)
    if request.method == "POST":
        addressed = None
        if request.POST.get("addressed_to"):
            addressed = departments.filter(pk=_int(request.POST["addressed_to"]) or 0).first()
        try:
            suggestion, token = actions.post_suggestion(
                organization,
                request.POST.get("subject", ""),
                request.POST.get("body", ""),
                addressed_to=addressed,
            )
        except actions.SurveyError as exc:
            messages.error(request, f"{exc.field}: {exc.message}")
        else:
            # Rendered, not redirected: the token is never put in a URL or stored in clear.
            return render(
                request, "surveys/suggestion_token.html", {"suggestion": suggestion, "token": token}
            )
    return render(request, "surveys/suggestion_new.html", {"departments": departments})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def suggestion_follow(request: HttpRequest) -> HttpResponse:
    """The poster's view of their thread. The token travels in POST bodies only, so it never
    appears in a URL, a server log or the browser history."""
    principal = principal_for(request.user)
    require(principal, "surveys.suggest")
    suggestion = None
    if request.method == "POST":
        token = request.POST.get("token", "")
        suggestion = actions.find_by_token(token)
        if suggestion is None or suggestion.organization_id != _organization(principal).pk:
            messages.error(request, "No conversation matches this token.")
            return render(
                request, "surveys/suggestion_follow.html", {"suggestion": None}, status=404
            )
        if request.POST.get("body", "").strip():
            actions.poster_reply(suggestion, request.POST["body"])
            messages.success(request, "Your reply was added.")
        return render(
            request, "surveys/suggestion_follow.html", {"suggestion": suggestion, "token": token}
        )
    return render(request, "surveys/suggestion_follow.html", {"suggestion": None})


@login_required
def suggestion_inbox(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "surveys.handle_suggestions")
    assert principal.employee is not None
    found = queries.suggestions_for_handler(
        _organization(principal), principal.employee, can(principal, "surveys.manage")
    )
    return render(request, "surveys/suggestion_inbox.html", {"suggestions": found})


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_thread(request: HttpRequest, pk: str) -> HttpResponse:
    principal = principal_for(request.user)
    suggestion = get_object_or_404(
        Suggestion.objects.select_related("addressed_to"),
        pk=pk,
        organization=_organization(principal),
    )
    require(principal, "surveys.handle_suggestions", suggestion)
    if request.method == "POST":
        label = "HR" if can(principal, "surveys.manage") else f"{principal.employee}"
        try:
            actions.staff_reply(
                suggestion,
                actor=current_user(request),
                body=request.POST.get("body", ""),
                status=request.POST.get("status") or None,
                label=label,
            )
        except actions.SurveyError as exc:
            messages.error(request, f"{exc.field}: {exc.message}")
        else:
            messages.success(request, "Saved.")
        return redirect("surveys:suggestion_thread", pk=suggestion.pk)
    return render(
        request,
        "surveys/suggestion_thread.html",
        {"suggestion": suggestion, "statuses": Suggestion.Status.choices},
    )
