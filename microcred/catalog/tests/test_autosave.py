"""Drafts saved as you go (issue 18): the design form's background save, its permission, CSRF and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from microcred.audit.models import AuditEntry
from microcred.catalog.models import MicroCredential
from microcred.catalog.tests.conftest import draft
from microcred.testing.factories import make_member, make_organization, make_user

pytestmark = pytest.mark.django_db


def form_data(**changes: Any) -> dict[str, str]:
    """The design form as the browser posts it, filled in the least a draft needs."""
    data = {
        "title": "Data Literacy",
        "summary": "",
        "description": "",
        "learning_outcomes": "",
        "level": "",
        "delivery_mode": "online",
        "pace": "cohort",
        "start_dates": "",
        "workload_hours": "20",
        "time_to_complete_weeks": "",
        "cost": "0",
        "currency": "CAD",
        "language": "en",
        "country": "CA",
        "region": "",
        "city": "",
        "credit_type": "non_credit",
        "credit_value": "",
        "credit_unit": "",
        "ladders_into": "",
        "assessment_method": "",
        "achievement_indicator": "digital_badge",
        "industry_partners": "",
        "accrediting_body": "",
        "accreditation_status": "none",
        "prerequisites": "",
        "validity_months": "",
        "award_criteria": "",
        "badge_colour": "#1d4ed8",
        "other_language": "fr",
        "other_title": "",
        "other_summary": "",
        "other_description": "",
        "other_learning_outcomes": "",
        "other_prerequisites": "",
        "other_award_criteria": "",
    }
    data.update(changes)
    return data


def test_the_form_data_above_is_what_the_form_accepts() -> None:
    from microcred.catalog.forms import CredentialForm

    form = CredentialForm(form_data())
    assert form.is_valid(), form.errors
    assert set(form_data()) | {"image", "generate_badge"} == set(CredentialForm.base_fields)


def test_the_first_save_of_a_new_design_creates_the_draft_and_names_its_edit_page(client, provider) -> None:
    admin = make_member(provider, "admin", email="admin@maple.example")
    client.force_login(admin)
    answer = client.post(f"/catalog/manage/{provider.slug}/new/autosave/", form_data(summary="Read charts."))
    assert answer.status_code == 201, answer.content
    body = answer.json()
    made = MicroCredential.objects.get(provider=provider, slug="data-literacy")
    assert made.status == "draft" and made.summary == "Read charts." and made.created_by == admin
    assert body["created"] is True and body["message"].startswith("Saved at ")
    assert body["edit_url"] == f"/catalog/{provider.slug}/data-literacy/v1/edit/"
    assert body["autosave_url"] == f"/catalog/{provider.slug}/data-literacy/v1/edit/autosave/"

    again = client.post(body["autosave_url"], form_data(summary="Read charts and tables."))
    assert again.status_code == 200 and again.json()["created"] is False
    made.refresh_from_db()
    assert made.summary == "Read charts and tables."
    assert MicroCredential.objects.filter(provider=provider).count() == 1  # the same record, updated


def test_second_language_texts_are_saved_as_the_form_saves_them(client, provider) -> None:
    admin = make_member(provider, "admin", email="admin@maple.example")
    made = draft(admin, provider, "Data Literacy")
    client.force_login(admin)
    answer = client.post(
        f"/catalog/{provider.slug}/{made.slug}/v1/edit/autosave/",
        form_data(
            learning_outcomes="Read a chart", other_title="Littératie des données", other_learning_outcomes="Lire"
        ),
    )
    assert answer.status_code == 200, answer.content
    made.refresh_from_db()
    assert made.translations["fr"]["title"] == "Littératie des données"
    assert made.outcomes.get().translations == {"fr": {"text": "Lire"}}


def test_bad_input_is_a_400_with_field_errors_and_nothing_is_written(client, provider) -> None:
    admin = make_member(provider, "admin", email="admin@maple.example")
    made = draft(admin, provider, "Data Literacy", summary="Kept")
    entries = AuditEntry.objects.count()
    client.force_login(admin)
    url = f"/catalog/{provider.slug}/{made.slug}/v1/edit/autosave/"

    answer = client.post(url, form_data(summary="Changed", workload_hours="-3", region="ZZ"))
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "validation_failed"
    by_field = {e["input"]: e for e in body["errors"]}
    assert by_field["workload_hours"]["code"] == "negative"
    assert by_field["workload_hours"]["label"] == "Workload (hours)"
    assert by_field["region"]["code"] == "invalid_choice"
    assert body["message"].startswith("Not saved: ") and "Workload (hours): This cannot be negative." in body["message"]

    form_error = client.post(url, form_data(summary="Changed", title=""))  # the form's own check
    assert form_error.status_code == 400
    assert form_error.json()["errors"][0] | {"message": ""} == {
        "field": "title",
        "input": "title",
        "code": "required",
        "label": "Title",
        "message": "",
    }

    translated = client.post(url, form_data(summary="Changed", other_title="x" * 201))
    assert translated.status_code == 400
    assert [e["input"] for e in translated.json()["errors"]] == ["other_title"]

    made.refresh_from_db()
    assert made.summary == "Kept" and made.workload_hours == 20 and made.region == ""
    assert AuditEntry.objects.count() == entries  # nothing written, not even half

    new = client.post(f"/catalog/manage/{provider.slug}/new/autosave/", form_data(title="Another", workload_hours=""))
    assert new.status_code == 400 and new.json()["errors"][0]["input"] == "workload_hours"
    assert not MicroCredential.objects.filter(title="Another").exists()


def test_only_the_designs_editors_may_save_it(client, provider) -> None:
    admin = make_member(provider, "admin", email="admin@maple.example")
    made = draft(admin, provider, "Data Literacy", summary="Kept")
    url = f"/catalog/{provider.slug}/{made.slug}/v1/edit/autosave/"
    new_url = f"/catalog/manage/{provider.slug}/new/autosave/"

    anonymous = client.post(url, form_data(summary="Anonymous"))
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"

    other = make_organization("provider", name="Other College")
    for outsider in (
        make_user(email="learner@example.org"),
        make_member(provider, "assessor", email="assessor@maple.example"),
        make_member(provider, "reviewer", email="reviewer@maple.example"),
        make_member(other, "admin", email="admin@other.example"),
    ):
        client.force_login(outsider)
        answer = client.post(url, form_data(summary="Not theirs"))
        assert answer.status_code in (403, 404), (outsider.email, answer.status_code)
        assert answer.json()["message"].startswith("Not saved: ")
        created = client.post(new_url, form_data(title=f"By {outsider.email}"))
        assert created.status_code == 403, (outsider.email, created.status_code)
    made.refresh_from_db()
    assert made.summary == "Kept"
    assert MicroCredential.objects.filter(provider=provider).count() == 1

    assert client.get(url).status_code == 405  # POST only


def test_a_version_no_longer_editable_is_a_409(client, provider, admin, published) -> None:
    made = published("Data Literacy")
    client.force_login(admin)
    answer = client.post(f"/catalog/{provider.slug}/{made.slug}/v1/edit/autosave/", form_data(summary="Too late"))
    assert answer.status_code == 409 and answer.json()["code"] == "not_editable"
    made.refresh_from_db()
    assert made.summary != "Too late"


def test_the_save_needs_the_forms_csrf_token(provider) -> None:
    admin = make_member(provider, "admin", email="admin@maple.example")
    made = draft(admin, provider, "Data Literacy", summary="Kept")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)
    url = f"/catalog/{provider.slug}/{made.slug}/v1/edit/autosave/"

    refused = browser.post(url, form_data(summary="Forged"))
    assert refused.status_code == 403
    made.refresh_from_db()
    assert made.summary == "Kept"

    page = browser.get(f"/catalog/{provider.slug}/{made.slug}/v1/edit/")
    html = page.content.decode()
    assert f'data-autosave="{url}"' in html and 'role="status"' in html and "autosave.js" in html
    token = page.context["csrf_token"]
    accepted = browser.post(url, form_data(summary="Typed", csrfmiddlewaretoken=str(token)))
    assert accepted.status_code == 200, accepted.content
    made.refresh_from_db()
    assert made.summary == "Typed"


def test_the_new_design_form_names_its_first_save(client, provider) -> None:
    client.force_login(make_member(provider, "admin", email="admin@maple.example"))
    html = client.get(f"/catalog/manage/{provider.slug}/new/").content.decode()
    assert f'data-autosave="/catalog/manage/{provider.slug}/new/autosave/"' in html and "data-autosave-new" in html
