"""Forms parse input only; the rules are in :mod:`microcred.assessment.services`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.accounts.forms import ServiceErrorsMixin
from microcred.assessment import selectors
from microcred.assessment.award_rules import MAX_RULE_LENGTH
from microcred.assessment.models import AssessmentComponent, ComponentKind, EvidenceKind


class EvaluationForm(ServiceErrorsMixin, forms.Form):
    """A result for one component: a score if scored, a level per competency it rates, a comment, an attestation."""

    score = forms.CharField(label=_("Score"), required=False, max_length=20)
    passed = forms.TypedChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("— not decided —")), ("yes", _("Passed")), ("no", _("Not passed"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000
    )
    attestation = forms.CharField(
        label=_("Attestation (optional)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: “I observed this learner at work over twelve weeks.” It is sealed with your result."),
    )

    def __init__(self, component: AssessmentComponent, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"c{component.pk}")
        super().__init__(*args, **kwargs)
        self.component = component
        if component.scored:
            self.fields["score"].label = _("Score (out of %(max)s)") % {"max": component.max_score_text}
        else:
            del self.fields["score"]
        self.rating_fields: list[str] = []
        levels = selectors.scale_levels(component.scale) if component.scale else []
        for competency in component.competencies.all():
            name = f"rating_{competency.pk}"
            self.fields[name] = forms.ChoiceField(
                label=_("Level for “%(competency)s”") % {"competency": selectors.competency_name(competency)},
                required=False,
                choices=[("", _("— not rated —"))] + [(str(lv.pk), selectors.level_name(lv)) for lv in levels],
            )
            self.rating_fields.append(name)

    def ratings(self) -> dict[str, str]:
        return {
            name.removeprefix("rating_"): self.cleaned_data[name]
            for name in self.rating_fields
            if self.cleaned_data.get(name)
        }

    def rating_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.rating_fields]


class EvidenceForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of evidence"), choices=EvidenceKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"), required=False)
    url = forms.CharField(label=_("Link"), required=False, max_length=2000)
    text = forms.CharField(
        label=_("Reflection"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000
    )
    shareable = forms.BooleanField(label=_("Employers may see this evidence"), required=False)
    components = forms.TypedMultipleChoiceField(
        label=_("It shows my work for"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    competencies = forms.TypedMultipleChoiceField(
        label=_("It shows these competencies"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, components: list[AssessmentComponent] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["components"].choices = [(c.pk, c.name) for c in components]
        assessed = {c.pk: c for component in components for c in component.competencies.all()}
        self.fields["competencies"].choices = [(pk, selectors.competency_name(c)) for pk, c in assessed.items()]
        if not assessed:
            del self.fields["competencies"]


class GradebookForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(
        label=_("Gradebook (CSV)"),
        help_text=_("Columns: email, component, score, passed, comment, and one column per competency with a level."),
    )


class EnrolmentCsvForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(label=_("Learners (CSV)"), help_text=_("Columns: email (required), name, route."))
    good_rows_only = forms.BooleanField(label=_("Enrol the good rows only and skip the bad ones"), required=False)


class ApplyGradebookForm(forms.Form):
    good_rows_only = forms.BooleanField(label=_("Import the good rows only and skip the bad ones"), required=False)


class RecognitionForm(ServiceErrorsMixin, forms.Form):
    component = forms.IntegerField(widget=forms.HiddenInput)
    narrative = forms.CharField(
        label=_("What you learned, where and when"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RecognitionDecisionForm(forms.Form):
    request = forms.IntegerField(widget=forms.HiddenInput)
    recognized = forms.TypedChoiceField(
        choices=[("yes", _("Recognize")), ("no", _("Decline"))], coerce=lambda v: v == "yes"
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=5000)


class ReasonForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class SupervisorForm(ServiceErrorsMixin, forms.Form):
    organization = forms.CharField(label=_("Employer (organization identifier)"), max_length=80)
    email = forms.EmailField(label=_("Supervisor's e-mail address"), max_length=254)
    name = forms.CharField(label=_("Supervisor's name"), max_length=200, required=False)


class ComponentForm(ServiceErrorsMixin, forms.Form):
    """A new component of a plan; the choices are the plan's own components and the competencies and scales the
    provider may use."""

    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=ComponentKind.choices)
    max_score = forms.CharField(label=_("Maximum score"), required=False, max_length=20)
    pass_mark = forms.CharField(label=_("Pass mark (%)"), required=False, max_length=20)
    competencies = forms.TypedMultipleChoiceField(
        label=_("Competencies it assesses"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    scale = forms.TypedChoiceField(label=_("Scale they are rated on"), required=False, coerce=int, empty_value=None)
    prior_learning_allowed = forms.BooleanField(label=_("May be satisfied by prior learning"), required=False)
    unlocked_by = forms.TypedChoiceField(
        label=_("Opens once this is passed"), required=False, coerce=int, empty_value=None
    )
    tasks = forms.CharField(
        label=_("Tasks of a log book, one per line"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, components: Any = (), competencies: Any = (), scales: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competencies"].choices = [
            (c.pk, f"{selectors.competency_name(c)} ({c.framework.title})") for c in competencies
        ]
        none = [("", _("— none —"))]
        self.fields["scale"].choices = none + [(s.pk, f"{s.name} ({s.framework.title})") for s in scales]
        self.fields["unlocked_by"].choices = none + [(c.pk, c.name) for c in components]


class CertifiedForm(forms.Form):
    competencies = forms.TypedMultipleChoiceField(
        label=_("Competencies the credential certifies"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, competencies: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competencies"].choices = [
            (c.pk, f"{selectors.competency_name(c)} ({c.framework.title})") for c in competencies
        ]


class RuleForm(forms.Form):
    rule = forms.CharField(
        label=_("Award rule"),
        max_length=MAX_RULE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text=_('For example: grade("PD course") >= 80 and level("communication") >= "superior"'),
    )


class RuleBuilderForm(forms.Form):
    """The award-rule builder's rows: what is tested, how, against what; and whether all or any must hold."""

    combine = forms.ChoiceField(
        label=_("Award the credential when"),
        choices=[("all", _("all of these conditions are met")), ("any", _("any one of them is met"))],
        widget=forms.RadioSelect,
        initial="all",
    )

    def __init__(self, *args: Any, subjects: Any = (), rows: int = 3, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from microcred.assessment.rule_builder import OPERATORS

        self.subjects = {s.key: s for s in subjects}
        self.rows = rows
        choices = [("", _("— choose —"))] + [(s.key, s.label) for s in subjects]
        operator_labels = {
            ">=": _("at least"),
            ">": _("more than"),
            "==": _("exactly"),
            "<=": _("at most"),
            "<": _("less than"),
        }
        for i in range(rows):
            n = i + 1
            self.fields[f"subject_{i}"] = forms.ChoiceField(
                label=_("Condition %(n)d: what is checked") % {"n": n}, required=False, choices=choices
            )
            self.fields[f"op_{i}"] = forms.ChoiceField(
                label=_("Condition %(n)d: comparison") % {"n": n},
                required=False,
                choices=[(op, operator_labels[op]) for op in OPERATORS],
            )
            self.fields[f"value_{i}"] = forms.CharField(
                label=_("Condition %(n)d: value (a grade in %%, or a level)") % {"n": n},
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"list": "rule-levels"}),
            )

    def row_fields(self) -> list[tuple[int, Any, Any, Any]]:
        return [(i + 1, self[f"subject_{i}"], self[f"op_{i}"], self[f"value_{i}"]) for i in range(self.rows)]

    def clean(self) -> dict[str, Any]:
        from microcred.assessment.rule_builder import Condition

        data = super().clean()
        conditions = []
        for i in range(self.rows):
            subject = self.subjects.get(data.get(f"subject_{i}") or "")
            if subject is None:
                continue
            value = (data.get(f"value_{i}") or "").strip()
            if subject.function == "grade":
                try:
                    number = Decimal(value)
                except (InvalidOperation, ValueError):
                    number = Decimal(-1)
                if not value or not number.is_finite() or not 0 <= number <= 100:
                    self.add_error(f"value_{i}", _("Enter a grade between 0 and 100."))
                    continue
                value = format(number.normalize(), "f")  # "1e2" and "75.50" are written 100 and 75.5
            elif subject.function == "level":
                match = next((lv for lv in subject.levels if lv.casefold() == value.casefold()), None)
                if match is None:
                    self.add_error(
                        f"value_{i}",
                        _("Choose one of these levels: %(levels)s.") % {"levels": ", ".join(subject.levels)},
                    )
                    continue
                value = match
            conditions.append(Condition(subject.function, subject.name, data.get(f"op_{i}") or ">=", value))
        if not conditions and not self.errors:
            self.add_error(None, _("Choose at least one condition."))
        data["conditions"] = conditions
        return data
