"""The assessment-plan page: components, certified competencies, the award rule (a builder of conditions, and the
text editor for experts), a reviewer's waiver; read-only for the provider's assessors. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from microcred.accounts.permissions import can
from microcred.accounts.views import render_domain_error
from microcred.assessment import design, rule_builder, selectors
from microcred.assessment.award_rules import RuleSyntaxError
from microcred.assessment.forms import CertifiedForm, ComponentForm, ReasonForm, RuleBuilderForm, RuleForm
from microcred.assessment.services import plans
from microcred.catalog.models import MicroCredential
from microcred.errors import DomainError, NotFound, PermissionDenied, ValidationFailed

ACTIONS = ("add_component", "certify", "rule", "build", "waive")
DEFAULT_SCALE = -1  # the scale field's choice for "the provider's default scale, made on first use"


def _builder(credential: MicroCredential, data: Any) -> RuleBuilderForm:
    subjects = rule_builder.subjects(selectors.signature_of(credential))
    found = rule_builder.read(credential.award_rule)
    combine, conditions = found if found is not None else (rule_builder.ALL, [])
    initial: dict[str, Any] = {"combine": combine}
    keys = {(s.function, s.name.casefold()): s.key for s in subjects}
    for i, condition in enumerate(conditions):
        key = keys.get((condition.function, condition.name.casefold()), "")
        initial.update({f"subject_{i}": key, f"op_{i}": condition.op, f"value_{i}": condition.value})
    return RuleBuilderForm(data, subjects=subjects, rows=max(3, len(conditions) + 1), initial=initial)


def _component_form(data: Any, components: list[Any], available: list[Any], scales: list[Any]) -> ComponentForm:
    form = ComponentForm(
        data,
        components=components,
        competencies=available,
        scales=scales,
        initial={"scale": design.initial_scale(components, scales) or (None if scales else DEFAULT_SCALE)},
    )
    if not scales:
        form.fields["scale"].choices = [
            (DEFAULT_SCALE, _("Default scale: not yet demonstrated, developing, competent, proficient"))
        ]
    form.fields["scale"].help_text = _("Required when the component assesses competencies.")
    if not available:  # nothing to rate: a component is graded or passed
        del form.fields["competencies"], form.fields["scale"]
    return form


@login_required
@require_http_methods(["GET", "POST"])
def plan_design(request: HttpRequest, credential_id: int) -> HttpResponse:
    """The plan of a version while it is designed; during review, a reviewer's waiver of the competencies nothing
    assesses; for the provider's assessors, the plan to read."""
    credential = MicroCredential.objects.filter(pk=credential_id).select_related("provider").first()
    user = request.user
    may_manage = credential is not None and can(user, "assessment.manage", credential)
    may_waive = credential is not None and can(user, "assessment.waive_gaps", credential)
    if credential is None or not (may_manage or may_waive or can(user, "assessment.view_plan", credential)):
        return render_domain_error(request, NotFound(_("No such micro-credential.")))
    components = selectors.components_of(credential)
    available = design.plan_competencies(credential)
    scales = selectors.scales_for(credential)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    data = request.POST if request.method == "POST" else None
    component_form = _component_form(data if action == "add_component" else None, components, available, scales)
    plan = selectors.plan_of(credential)
    certified = [c.pk for c in plan.competencies.all()] if plan else []
    certified_form = CertifiedForm(
        data if action == "certify" else None,
        competencies=available,
        initial={"competencies": certified or [c.pk for c in available]},
    )
    rule_form = RuleForm(data if action == "rule" else None, initial={"rule": credential.award_rule})
    builder_form = _builder(credential, data if action == "build" else None)
    waiver_form = ReasonForm(data if action == "waive" else None)
    by_id = {c.pk: c for c in available}
    status = 200
    if request.method == "POST":
        try:
            if action == "add_component" and may_manage and component_form.is_valid():
                values = component_form.cleaned_data
                plans.add_component(
                    actor=user,
                    credential=credential,
                    name=values["name"],
                    kind=values["kind"],
                    competencies=[by_id[pk] for pk in values.get("competencies", [])],
                    # a scale only for a component that rates competencies
                    scale=next((s for s in scales if s.pk == values.get("scale")), None)
                    if values.get("competencies")
                    else None,
                    default_scale=bool(values.get("competencies")) and values.get("scale") == DEFAULT_SCALE,
                    max_score=values["max_score"],
                    pass_mark=values["pass_mark"],
                    prior_learning_allowed=values["prior_learning_allowed"],
                    unlocked_by=next((c for c in components if c.pk == values["unlocked_by"]), None),
                    tasks=values["tasks"].splitlines(),
                )
                messages.success(request, _("The component was added."))
                return redirect("assessment:plan", credential_id=credential.pk)
            if action == "certify" and may_manage and certified_form.is_valid():
                chosen = [by_id[pk] for pk in certified_form.cleaned_data["competencies"]]
                plans.set_plan_competencies(actor=user, credential=credential, competencies=chosen)
                messages.success(request, _("The certified competencies were saved."))
                return redirect("assessment:plan", credential_id=credential.pk)
            if action == "build" and may_manage and builder_form.is_valid():
                rule = rule_builder.build(builder_form.cleaned_data["conditions"], builder_form.cleaned_data["combine"])
                plans.save_award_rule(actor=user, credential=credential, rule=rule)
                messages.success(request, _("The award rule was saved: %(rule)s") % {"rule": rule})
                return redirect("assessment:plan", credential_id=credential.pk)
            if action == "rule" and may_manage and rule_form.is_valid():
                plans.save_award_rule(actor=user, credential=credential, rule=rule_form.cleaned_data["rule"])
                messages.success(request, _("The award rule was saved."))
                return redirect("assessment:plan", credential_id=credential.pk)
            if action == "waive" and may_waive and waiver_form.is_valid():
                plans.waive_plan_gaps(actor=user, credential=credential, reason=waiver_form.cleaned_data["reason"])
                messages.success(request, _("The gap was waived."))
                return redirect("assessment:plan", credential_id=credential.pk)
            if action not in ACTIONS:
                raise PermissionDenied(_("You are not allowed to do this."))
        except RuleSyntaxError as error:
            (builder_form if action == "build" else rule_form).add_error(
                None if action == "build" else "rule", str(error)
            )
        except ValidationFailed as error:
            {"add_component": component_form, "waive": waiver_form}.get(action, component_form).add_service_errors(
                error
            )
        except DomainError as error:
            messages.error(request, error.message)
        status = 400
    found = rule_builder.read(credential.award_rule)
    context = {
        "credential": credential,
        "components": components,
        "check": selectors.plan_check(credential),
        "may_manage": may_manage,
        "may_waive": may_waive,
        "component_form": component_form,
        "certified_form": certified_form,
        "rule_form": rule_form,
        "builder_form": builder_form,
        "waiver_form": waiver_form,
        "error_forms": [component_form, certified_form, builder_form, rule_form, waiver_form],
        "rule_in_words": found,
        "levels": sorted({lv for s in builder_form.subjects.values() for lv in s.levels}),
        "aligned": available,
        "may_see_learners": can(user, "assessment.evaluate", credential),
    }
    return render(request, "assessment/plan.html", context, status=status)
