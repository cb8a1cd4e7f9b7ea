"""Forms parse input only; the typology's rules are in :mod:`microcred.catalog.typology` and the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.accounts.forms import ServiceErrorsMixin
from microcred.catalog.models import (
    AccreditationStatus,
    AchievementIndicator,
    AssessmentMethod,
    CreditType,
    CreditUnit,
    DeliveryMode,
    Language,
    Level,
    Pace,
    ReviewDecision,
)
from microcred.errors import ValidationFailed

LINES = _("One per line.")
# Languages a design's texts may be given in besides its own (BCP 47 codes).
OTHER_LANGUAGES = [("fr", _("French")), ("en", _("English")), ("es", _("Spanish"))]


def _choices(vocabulary: Any, blank: bool = False) -> list[tuple[str, Any]]:
    return ([("", _("— not stated —"))] if blank else []) + list(vocabulary.choices)


class CredentialForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=500, required=False)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=20_000,
        help_text=_("Simple HTML is kept (paragraphs, lists, links); anything else is removed."),
    )
    learning_outcomes = forms.CharField(
        label=_("Learning outcomes"), widget=forms.Textarea(attrs={"rows": 4}), required=False, help_text=LINES
    )
    level = forms.ChoiceField(label=_("Level"), choices=_choices(Level, blank=True), required=False)
    delivery_mode = forms.ChoiceField(label=_("Delivery mode"), choices=DeliveryMode.choices)
    pace = forms.ChoiceField(label=_("Pace"), choices=Pace.choices)
    start_dates = forms.CharField(
        label=_("Start dates"), required=False, help_text=_("YYYY-MM-DD, separated by commas.")
    )
    workload_hours = forms.CharField(label=_("Workload (hours)"), max_length=20)
    time_to_complete_weeks = forms.CharField(label=_("Time to complete (weeks)"), max_length=10, required=False)
    cost = forms.CharField(
        label=_("Cost"),
        max_length=20,
        initial="0",
        help_text=_("In the currency below: Canadian dollars (CAD) unless you change it. 0 if it is free."),
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="CAD")
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    country = forms.CharField(label=_("Country"), max_length=2, initial="CA", required=False)
    region = forms.CharField(
        label=_("Province or state"),
        max_length=8,
        required=False,
        help_text=_("For Canada, the two-letter code, such as ON."),
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    credit_type = forms.ChoiceField(label=_("Credit"), choices=CreditType.choices, initial=CreditType.NON_CREDIT)
    credit_value = forms.CharField(label=_("Credit value"), max_length=10, required=False)
    credit_unit = forms.ChoiceField(label=_("Credit unit"), choices=_choices(CreditUnit, blank=True), required=False)
    ladders_into = forms.CharField(
        label=_("Programs it ladders into"), widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text=LINES
    )
    assessment_method = forms.ChoiceField(
        label=_("Assessment method"), choices=_choices(AssessmentMethod, blank=True), required=False
    )
    achievement_indicator = forms.ChoiceField(label=_("Indicator of achievement"), choices=AchievementIndicator.choices)
    industry_partners = forms.CharField(
        label=_("Industry partners"), widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text=LINES
    )
    accrediting_body = forms.CharField(label=_("Accrediting body"), max_length=200, required=False)
    accreditation_status = forms.ChoiceField(label=_("Accreditation status"), choices=AccreditationStatus.choices)
    prerequisites = forms.CharField(
        label=_("Prerequisites"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )
    validity_months = forms.CharField(label=_("Valid for (months)"), max_length=10, required=False)
    award_criteria = forms.CharField(
        label=_("Award criteria"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    image = forms.FileField(label=_("Image"), required=False, help_text=_("PNG, JPEG or WebP; at most 1 MB."))
    generate_badge = forms.BooleanField(
        label=_("Generate a badge for me in the colour below"),
        required=False,
        help_text=_("When no file is chosen: a disc in that colour with the credential's name and the provider's."),
    )
    badge_colour = forms.RegexField(
        label=_("Badge colour"),
        regex=r"^#[0-9a-fA-F]{6}$",
        required=False,
        initial="#1d4ed8",
        widget=forms.TextInput(attrs={"type": "color"}),
        error_messages={"invalid": _("Choose a colour.")},
    )
    # The same texts in a second language (typology.TRANSLATABLE); empty fields fall back to the first.
    other_language = forms.ChoiceField(
        label=_("Second language"),
        choices=OTHER_LANGUAGES,
        initial="fr",
        required=False,
        help_text=_("Learners reading the site in this language see these texts; empty ones show the texts above."),
    )
    other_title = forms.CharField(
        label=_("Name of the credential in the second language"), max_length=200, required=False
    )
    other_summary = forms.CharField(label=_("Overview in the second language"), max_length=500, required=False)
    other_description = forms.CharField(
        label=_("Description in the second language"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=20_000,
    )
    other_learning_outcomes = forms.CharField(
        label=_("Learning outcomes in the second language"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        strip=False,  # a blank first line stands for the first outcome, left untranslated
        help_text=_("One per line, in the same order as the learning outcomes above."),
    )
    other_prerequisites = forms.CharField(
        label=_("Entry requirements in the second language"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )
    other_award_criteria = forms.CharField(
        label=_("Award criteria in the second language"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )

    OTHER_FIELDS = ("title", "summary", "description", "learning_outcomes", "prerequisites", "award_criteria")

    SECTIONS = (
        (
            _("What it is"),
            (
                "title",
                "summary",
                "description",
                "learning_outcomes",
                "level",
                "image",
                "generate_badge",
                "badge_colour",
            ),
        ),
        (
            _("How it is delivered"),
            (
                "delivery_mode",
                "pace",
                "start_dates",
                "workload_hours",
                "time_to_complete_weeks",
                "language",
                "country",
                "region",
                "city",
            ),
        ),
        (_("Cost and credit"), ("cost", "currency", "credit_type", "credit_value", "credit_unit")),
        (
            _("Recognition"),
            (
                "assessment_method",
                "achievement_indicator",
                "accrediting_body",
                "accreditation_status",
                "ladders_into",
                "industry_partners",
                "prerequisites",
                "validity_months",
            ),
        ),
        (_("Award"), ("award_criteria",)),
        (_("In a second language"), ("other_language", *(f"other_{name}" for name in OTHER_FIELDS))),
    )

    @classmethod
    def initial_translations(cls, credential: Any) -> dict[str, str]:
        """The second-language fields' initial values for ``credential``: its first translation, else French
        (English for a French design)."""
        translations = credential.translations or {}
        own = str(credential.language or "en").split("-")[0]
        offered = [code for code, _label in OTHER_LANGUAGES]
        language = next((code for code in translations if code in offered), "en" if own == "fr" else "fr")
        entry = translations.get(language) or {}
        initial = {"other_language": language}
        for name in cls.OTHER_FIELDS:
            if name != "learning_outcomes":
                initial[f"other_{name}"] = entry.get(name, "")
        lines = [((o.translations or {}).get(language) or {}).get("text", "") for o in credential.outcomes.all()]
        while lines and not lines[-1]:
            lines.pop()
        initial["other_learning_outcomes"] = "\n".join(lines)
        return initial

    def add_service_errors(self, error: ValidationFailed) -> None:
        """``translations.fr.title`` is shown beside ``other_title``; the language's own errors beside the
        choice of language."""
        for field_error in error.errors:
            parts = field_error.field.split(".")
            if parts[0] == "translations":
                name = f"other_{parts[2]}" if len(parts) > 2 else "other_language"
                self.add_error(name if name in self.fields else "other_language", field_error.message)
            else:
                self.add_error(field_error.field if field_error.field in self.fields else None, field_error.message)

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The form in sections, for the page; a field no section names comes last."""
        named = {name for _title, names in self.SECTIONS for name in names}
        found = [(str(title), [self[n] for n in names if n in self.fields]) for title, names in self.SECTIONS]
        rest = [self[n] for n in self.fields if n not in named]
        return found + ([(str(_("Other")), rest)] if rest else [])

    def typology_data(self) -> dict[str, Any]:
        badge = ("image", "generate_badge", "badge_colour")
        data = {k: v for k, v in self.cleaned_data.items() if k not in badge and not k.startswith("other_")}
        for name in ("time_to_complete_weeks", "validity_months", "credit_value"):
            if data.get(name) == "":
                data[name] = None
        other = {name: self.cleaned_data.get(f"other_{name}", "") for name in self.OTHER_FIELDS}
        language = self.cleaned_data.get("other_language") or "fr"
        if language != str(data.get("language") or "en").split("-")[0] or any(other.values()):
            data["translations"] = {language: other}
        return data


class ReviewForm(ServiceErrorsMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    decision = forms.ChoiceField(choices=ReviewDecision.choices, widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, checklist: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        for item in checklist:
            self.fields[f"item_{item.pk}"] = forms.BooleanField(label=item.text, required=False)

    def checklist_answers(self) -> dict[int, bool]:
        return {int(name[5:]): bool(value) for name, value in self.cleaned_data.items() if name.startswith("item_")}


class ChecklistForm(ServiceErrorsMixin, forms.Form):
    items = forms.CharField(
        label=_("Review checklist"), widget=forms.Textarea(attrs={"rows": 5}), required=False, help_text=LINES
    )
