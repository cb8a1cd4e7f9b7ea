"""Pages for learners, assessors, workplace supervisors (by link) and provider admins. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from microcred.accounts.models import Organization
from microcred.accounts.permissions import can
from microcred.accounts.views import render_domain_error
from microcred.assessment import award_words, queue, selectors
from microcred.assessment.forms import (
    ApplyGradebookForm,
    EnrolmentCsvForm,
    EvaluationForm,
    EvidenceForm,
    GradebookForm,
    ReasonForm,
    RecognitionDecisionForm,
    RecognitionForm,
    SupervisorForm,
)
from microcred.assessment.models import (
    Award,
    BulkAwardJob,
    ComponentKind,
    Enrolment,
    Evidence,
    GradebookImport,
    LogBookTask,
    PriorLearningRequest,
    Route,
)
from microcred.assessment.services import award_step, awards, bulk, evaluations, evidence, gradebook, prior_learning
from microcred.assessment.services import enrolment as enrolments
from microcred.catalog.models import MicroCredential
from microcred.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed


def _int(value: Any) -> int | None:
    """A form's id: a plain positive number that fits the database, or None."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


PAGE_ACTIONS = ("evaluate", "evidence", "share", "recognition", "decide_recognition", "revoke", "reissue", "invite")


@login_required
@require_GET
def my_assessments(request: HttpRequest) -> HttpResponse:
    """A learner's enrolments; for an assessor, first the enrolments waiting for them."""
    assessor = queue.assesses_anywhere(request.user)
    context = {
        "enrolments": selectors.enrolments_of_learner(request.user),
        "is_assessor": assessor,
        "queue": queue.work_queue(request.user) if assessor else [],
    }
    return render(request, "assessment/my_assessments.html", context)


@login_required
@require_GET
def work_queue(request: HttpRequest) -> HttpResponse:
    """The assessor's work queue: enrolments waiting for an award, an evidence review or an evaluation (empty for
    someone who assesses nowhere)."""
    return render(request, "assessment/queue.html", {"queue": queue.work_queue(request.user)})


def _enrolment_for(request: HttpRequest, enrolment_id: int) -> Enrolment:
    enrolment = selectors.enrolment_by_id(enrolment_id)
    user = request.user
    if user == enrolment.learner or can(user, "assessment.evaluate", enrolment):
        return enrolment
    for invitation in enrolment.supervisor_invitations.filter(revoked_at__isnull=True).select_related("organization"):
        if can(user, "assessment.evaluate", invitation.organization):
            return enrolment
    raise NotFound(_("No such enrolment."), code="enrolment_not_found")


def _evaluation_forms(enrolment: Enrolment, data: Any = None, only: int | None = None) -> list[EvaluationForm]:
    forms = []
    for component in selectors.components_of(enrolment.credential):
        if component.kind == ComponentKind.LOG_BOOK:
            continue
        bound = data if only == component.pk else None
        forms.append(EvaluationForm(component, bound))
    return forms


def _record(request: HttpRequest, enrolment: Enrolment, forms: list[EvaluationForm], invitation: Any = None) -> bool:
    component_id = _int(request.POST.get("component"))
    if component_id is None:
        return False
    form = next((f for f in forms if f.component.pk == component_id), None)
    if form is None or not form.is_valid():
        return False
    try:
        evaluations.record_evaluation(
            actor=None if invitation is not None else request.user,
            enrolment=enrolment,
            component=form.component,
            score=form.cleaned_data.get("score"),
            passed=form.cleaned_data.get("passed"),
            ratings=form.ratings(),
            comment=form.cleaned_data["comment"],
            attestation=form.cleaned_data["attestation"],
            invitation=invitation,
            award=False,  # the pages award in an explicit step, with the rule's decision in words
        )
    except ValidationFailed as error:
        form.add_service_errors(error)
        return False
    except DomainError as error:
        form.add_error(None, error.message)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_detail(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    try:
        enrolment = _enrolment_for(request, enrolment_id)
    except DomainError as error:
        return render_domain_error(request, error)
    user = request.user
    is_learner = user == enrolment.learner
    may_evaluate = not is_learner and (
        can(user, "assessment.evaluate", enrolment) or enrolment.supervisor_invitations.exists()
    )
    may_manage = can(user, "assessment.manage", enrolment)
    may_award = can(user, "assessment.evaluate", enrolment)
    may_add_evidence = is_learner or may_award
    action = request.POST.get("action", "") if request.method == "POST" else ""
    only = _int(request.POST.get("component")) if action == "evaluate" else None
    forms = [
        f
        for f in _evaluation_forms(enrolment, request.POST if action == "evaluate" else None, only)
        if queue.may_record(user, enrolment, f.component)
    ]
    plan = selectors.components_of(enrolment.credential)
    evidence_form = (
        EvidenceForm(request.POST or None, request.FILES or None, components=plan)
        if action == "evidence"
        else EvidenceForm(components=plan)
    )
    if not is_learner:  # whether employers see evidence is the learner's choice alone
        evidence_form.fields.pop("shareable", None)
    reason_form = ReasonForm(request.POST) if action in ("revoke", "reissue") else ReasonForm()
    supervisor_form = SupervisorForm(request.POST) if action == "invite" else SupervisorForm()
    recognition_form = RecognitionForm(request.POST) if action == "recognition" else None
    status = 200
    if request.method == "POST":
        done = False
        try:
            if action == "evaluate" and may_evaluate:
                done = _record(request, enrolment, forms)
                if done:
                    messages.success(request, award_words.after_result(enrolment))
            elif action == "award" and may_award:
                decision, award = award_step.award_now(actor=user, enrolment=enrolment)
                if award is not None:
                    messages.success(request, award_words.awarded(enrolment))
                else:
                    messages.error(request, award_words.not_awarded(decision))
                done = True
            elif action == "sign_off" and may_evaluate:
                task = LogBookTask.objects.get(pk=_int(request.POST.get("task")) or 0)
                evaluations.sign_off_task(actor=user, enrolment=enrolment, task=task)
                messages.success(request, _("The task was signed off."))
                done = True
            elif action == "evidence" and may_add_evidence and evidence_form.is_valid():
                data = evidence_form.cleaned_data
                chosen = set(data.get("competencies", []))
                assessed = {c.pk: c for component in plan for c in component.competencies.all()}
                evidence.submit_evidence(
                    actor=user,
                    enrolment=enrolment,
                    kind=data["kind"],
                    title=data["title"],
                    upload=data.get("file"),
                    filename=getattr(data.get("file"), "name", ""),
                    url=data["url"],
                    text=data["text"],
                    shareable=data.get("shareable", False),
                    components=[c for c in plan if c.pk in set(data["components"])],
                    competencies=[c for pk, c in assessed.items() if pk in chosen],
                )
                messages.success(request, _("Your evidence was added.") if is_learner else _("The evidence was added."))
                done = True
            elif action == "recognition" and is_learner and recognition_form is not None:
                if recognition_form.is_valid():
                    prior_learning.request_recognition(
                        actor=user,
                        enrolment=enrolment,
                        component=selectors.component_by_id(
                            enrolment.credential, recognition_form.cleaned_data["component"]
                        ),
                        narrative=recognition_form.cleaned_data["narrative"],
                    )
                    messages.success(request, _("Your request was sent to the assessors."))
                    done = True
                else:
                    messages.error(request, _("Describe what you learned, where and when."))
            elif action == "decide_recognition" and may_evaluate:
                decision_form = RecognitionDecisionForm(request.POST)
                if decision_form.is_valid():
                    prior_learning.decide_recognition(
                        actor=user,
                        request=enrolment.prior_learning_requests.get(pk=decision_form.cleaned_data["request"]),
                        recognized=decision_form.cleaned_data["recognized"],
                        comment=decision_form.cleaned_data["comment"],
                    )
                    messages.success(request, _("The request was decided."))
                    done = True
            elif action == "share" and is_learner:
                item = enrolment.evidence.get(public_id=request.POST.get("evidence", ""))
                evidence.set_evidence_shareable(
                    actor=user, evidence=item, shareable=request.POST.get("shareable") == "yes"
                )
                messages.success(request, _("Your choice was saved."))
                done = True
            elif action in ("revoke", "reissue") and may_manage and reason_form.is_valid():
                award = Award.objects.get(enrolment=enrolment)
                if action == "revoke":
                    awards.revoke_award(actor=user, award=award, reason=reason_form.cleaned_data["reason"])
                    messages.success(request, _("The award was revoked."))
                else:
                    awards.reissue_award(actor=user, award=award, reason=reason_form.cleaned_data["reason"])
                    messages.success(request, _("A new credential was issued."))
                done = True
            elif action == "invite" and may_manage and supervisor_form.is_valid():
                data = supervisor_form.cleaned_data
                organization = Organization.objects.filter(slug=data["organization"]).first()
                if organization is None:
                    supervisor_form.add_error("organization", _("No organization has this identifier."))
                else:
                    evaluations.invite_supervisor(
                        actor=user,
                        enrolment=enrolment,
                        organization=organization,
                        email=data["email"],
                        name=data["name"],
                        components=[
                            c
                            for c in selectors.components_of(enrolment.credential)
                            if c.kind == ComponentKind.WORKPLACE_EVALUATION
                        ],
                        link_base=request.build_absolute_uri(reverse("assessment:supervise_base")),
                    )
                    messages.success(request, _("The supervisor was invited by e-mail."))
                    done = True
            elif action not in PAGE_ACTIONS:
                raise PermissionDenied(_("You are not allowed to do this."))
        except ValidationFailed as error:
            target = {"evidence": evidence_form, "invite": supervisor_form, "recognition": recognition_form}.get(action)
            (target or reason_form).add_service_errors(error)
            if action == "recognition":
                messages.error(request, "; ".join(str(e.message) for e in error.errors))
        except (
            LogBookTask.DoesNotExist,
            Award.DoesNotExist,
            Evidence.DoesNotExist,
            PriorLearningRequest.DoesNotExist,
            ValueError,
            OverflowError,
            DjangoValidationError,
        ):
            return render_domain_error(request, NotFound(_("Not found.")))
        except DomainError as error:
            messages.error(request, error.message)
        if done:
            return redirect("assessment:enrolment", enrolment_id=enrolment.pk)
        status = 400
    components = selectors.components_of(enrolment.credential)
    log_books = [
        (c, selectors.tasks_with_sign_offs(enrolment, c)) for c in components if c.kind == ComponentKind.LOG_BOOK
    ]
    context = {
        "enrolment": enrolment,
        "is_learner": is_learner,
        "may_evaluate": may_evaluate,
        "may_manage": may_manage,
        "forms": forms,
        "log_books": log_books,
        "evaluations": selectors.latest_evaluations(enrolment),
        "evidence_items": enrolment.evidence.all(),
        "evidence_form": evidence_form,
        "reason_form": reason_form,
        "supervisor_form": supervisor_form,
        "award": selectors.award_of(enrolment),
        "decision": enrolment.decisions.order_by("-decided_at", "-pk").first(),
        "may_award": may_award,
        "may_add_evidence": may_add_evidence,
        "verdict": award_words.verdict(enrolment),
        **_prior_learning_context(enrolment, components),
    }
    return render(request, "assessment/enrolment.html", context, status=status)


def _prior_learning_context(enrolment: Enrolment, components: list[Any]) -> dict[str, Any]:
    """What the route offers: components prior learning may satisfy (and the learner's requests), requests waiting
    for an assessor, and the gap report of a failed pre-test."""
    requests = {r.component_id: r for r in enrolment.prior_learning_requests.all()}
    facts = selectors.facts_for(enrolment)
    failed_pre_tests = [
        c
        for c in components
        if c.kind == ComponentKind.PRE_TEST and facts.passed.get(" ".join(c.name.split()).casefold()) is False
    ]
    return {
        "recognizable": [(c, requests.get(c.pk)) for c in components if c.prior_learning_allowed],
        "pending_requests": [r for r in requests.values() if r.status == "requested"],
        "gap_reports": [
            (c, [(competency, report.credentials[competency.pk]) for competency in report.competencies])
            for c, report in ((c, selectors.gap_report(enrolment, c)) for c in failed_pre_tests)
        ],
    }


@login_required
@require_http_methods(["POST"])
def enrol(request: HttpRequest, credential_id: int) -> HttpResponse:
    """A learner enrols from the credential's page; the assessment-only route when the credential offers only that."""
    credential = MicroCredential.objects.filter(pk=credential_id).select_related("provider").first()
    if credential is None:
        return render_domain_error(request, NotFound(_("No such micro-credential.")))
    route = Route.ASSESSMENT_ONLY if credential.assessment_only else Route.STANDARD
    try:
        created = enrolments.enrol(actor=request.user, learner=request.user, credential=credential, route=route)
    except Conflict as error:
        existing = Enrolment.objects.filter(learner=request.user, credential=credential).first()
        if error.code == "already_enrolled" and existing is not None:
            return redirect("assessment:enrolment", enrolment_id=existing.pk)
        return render_domain_error(request, error)
    except DomainError as error:
        return render_domain_error(request, error)
    messages.success(request, _("You are enrolled."))
    return redirect("assessment:enrolment", enrolment_id=created.pk)


@require_http_methods(["GET", "POST"])
def supervise(request: HttpRequest, token: str) -> HttpResponse:
    """A workplace supervisor evaluates one learner through the e-mailed link; no account needed."""
    try:
        invitation = evaluations.invitation_for_token(token)
    except DomainError as error:
        return render_domain_error(request, error)
    enrolment = invitation.enrolment
    allowed = set(invitation.components.values_list("pk", flat=True))
    action = request.POST.get("action", "") if request.method == "POST" else ""
    only = _int(request.POST.get("component"))
    forms = [f for f in _evaluation_forms(enrolment, request.POST or None, only) if f.component.pk in allowed]
    if request.method == "POST" and action == "evaluate" and _record(request, enrolment, forms, invitation=invitation):
        messages.success(request, _("Thank you: your evaluation was recorded."))
        return redirect(request.path)
    log_books = [
        (c, selectors.tasks_with_sign_offs(enrolment, c))
        for c in selectors.components_of(enrolment.credential)
        if c.kind == ComponentKind.LOG_BOOK and c.pk in allowed
    ]
    if request.method == "POST" and action == "sign_off":
        task = next((t for _c, tasks in log_books for t, _s in tasks if t.pk == _int(request.POST.get("task"))), None)
        if task is None:
            return render_domain_error(request, NotFound(_("Not found.")))
        try:
            evaluations.sign_off_task(actor=None, enrolment=enrolment, task=task, invitation=invitation)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The task was signed off."))
            return redirect(request.path)
    context = {"invitation": invitation, "enrolment": enrolment, "forms": forms, "log_books": log_books}
    return render(request, "assessment/supervise.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def credential_admin(request: HttpRequest, credential_id: int) -> HttpResponse:
    credential = MicroCredential.objects.filter(pk=credential_id).select_related("provider").first()
    if credential is None or not can(request.user, "assessment.evaluate", credential):
        return render_domain_error(request, NotFound(_("No such micro-credential.")))
    may_manage = can(request.user, "assessment.manage", credential)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    upload_form = GradebookForm(request.POST, request.FILES) if action == "preview" else GradebookForm()
    roster_form = EnrolmentCsvForm(request.POST, request.FILES) if action == "enrol_csv" else EnrolmentCsvForm()
    roster = None
    apply_form = ApplyGradebookForm(request.POST) if action == "apply" else ApplyGradebookForm()
    preview = None
    status = 200
    if request.method == "POST" and may_manage:
        try:
            if action == "preview" and upload_form.is_valid():
                upload = upload_form.cleaned_data["file"]
                preview = gradebook.preview_gradebook(
                    actor=request.user, credential=credential, data=upload.read(), filename=upload.name
                )
            elif action == "apply" and apply_form.is_valid():
                found = GradebookImport.objects.get(pk=_int(request.POST.get("import")) or 0, credential=credential)
                preview = found
                gradebook.apply_gradebook(
                    actor=request.user, gradebook=found, good_rows_only=apply_form.cleaned_data["good_rows_only"]
                )
                messages.success(request, _("The results were imported."))
                return redirect("assessment:credential", credential_id=credential.pk)
            elif action == "enrol_csv" and roster_form.is_valid():
                roster = enrolments.enrol_from_csv(
                    actor=request.user,
                    credential=credential,
                    data=roster_form.cleaned_data["file"].read(),
                    good_rows_only=roster_form.cleaned_data["good_rows_only"],
                )
                messages.success(request, _("%(n)d learners were enrolled.") % {"n": roster.enrolled})
            elif action == "bulk_award":
                bulk.start_bulk_award(actor=request.user, credential=credential)
                messages.success(request, _("The bulk award has started."))
                return redirect("assessment:credential", credential_id=credential.pk)
        except ValidationFailed as error:
            messages.error(request, error.message)
            if action == "preview":
                upload_form.add_service_errors(error)
            elif action == "enrol_csv":
                roster_form.add_service_errors(error)
                roster = {"errors": [{"row": e.field, "message": e.message} for e in error.errors]}
            status = 400
        except (GradebookImport.DoesNotExist, ValueError, OverflowError):
            return render_domain_error(request, NotFound(_("Not found.")))
        except DomainError as error:
            messages.error(request, error.message)
            status = 400
    context = {
        "credential": credential,
        "may_manage": may_manage,
        "components": selectors.components_of(credential),
        "check": selectors.plan_check(credential),
        "cohort": selectors.cohort(credential).prefetch_related("award")[:500],
        "upload_form": upload_form,
        "roster_form": roster_form,
        "roster": roster,
        "apply_form": apply_form,
        "preview": preview,
        "job": BulkAwardJob.objects.filter(credential=credential).order_by("-created_at").first(),
    }
    return render(request, "assessment/credential.html", context, status=status)


@require_GET
def evidence_file(request: HttpRequest, public_id: str) -> HttpResponse:
    """An evidence file: to the learner and the provider's assessors, and to anyone with the link once shareable."""
    item = Evidence.objects.filter(public_id=public_id).select_related("enrolment__credential__provider").first()
    if item is None:
        raise Http404
    user = request.user
    if not (item.shareable or user == item.enrolment.learner or can(user, "assessment.evaluate", item)):
        raise Http404
    if item.kind != "file" or not item.file:
        return render(request, "assessment/evidence.html", {"item": item})
    inline = evidence.is_inline_safe(item)
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=not inline,
        filename=item.original_name or f"evidence-{item.public_id}",
        content_type=item.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
