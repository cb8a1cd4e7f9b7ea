"""Catalog pages: public search, record, comparison and pathway pages; the provider's workspace."""

from __future__ import annotations

import pytest

from microcred.catalog.models import MicroCredential, Status
from microcred.catalog.tests.conftest import draft
from microcred.demo.loader import load_demo
from microcred.testing.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_catalog_page_needs_no_login(client, published) -> None:
    published("Welding Safety", delivery_mode="in_person", region="BC")
    page = client.get("/catalog/?delivery_mode=in_person")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Welding Safety" in html and 'name="delivery_mode" value="in_person"' in html
    assert "Permalink to this search" in html


def test_bad_filters_are_a_400_page_not_a_500(client) -> None:
    page = client.get("/catalog/?cost_min=-4&sort=%00")
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()


def test_a_record_shows_every_typology_field_and_its_pathways(client, published, admin, provider) -> None:
    from microcred.catalog import services

    made = published(
        "Welding Safety",
        learning_outcomes=["Use a respirator"],
        accrediting_body="CWB",
        accreditation_status="accredited",
        description="<p>Safe <script>x()</script>shop.</p>",
    )
    services.create_pathway(
        actor=admin, provider=provider, title="Trades Certificate", kind="certificate", members=[made]
    )
    html = client.get(f"/catalog/{provider.slug}/{made.slug}/").content.decode()
    assert "Use a respirator" in html and "Accredited — CWB" in html and "Trades Certificate" in html
    assert "<script>x()" not in html
    assert client.get("/catalog/pathways/trades-certificate/").status_code == 200


def test_drafts_are_hidden_from_the_public(client, admin, provider) -> None:
    made = draft(admin, provider, "Secret Plan")
    assert client.get(f"/catalog/{provider.slug}/{made.slug}/").status_code == 404
    client.force_login(make_user())
    assert client.get(f"/catalog/{provider.slug}/{made.slug}/").status_code == 404
    client.force_login(admin)
    assert "Send for review" in client.get(f"/catalog/{provider.slug}/{made.slug}/").content.decode()


def test_compare_page(client, published) -> None:
    a, b = published("Welding Safety", cost="450"), published("Data Literacy", cost="0")
    html = client.get(f"/catalog/compare/?ids={a.provider.slug}/{a.slug}&ids={b.provider.slug}/{b.slug}").content
    assert b"450.00 CAD" in html and b"Free" in html and b'scope="row"' in html
    assert client.get("/catalog/compare/?ids=" + ",".join(f"p/{n}" for n in range(5))).status_code == 400


def test_the_workspace_form_shows_service_errors_beside_fields(client, admin, provider) -> None:
    client.force_login(admin)
    page = client.post(
        f"/catalog/manage/{provider.slug}/new/",
        {
            "title": "Grid",
            "delivery_mode": "online",
            "pace": "cohort",
            "workload_hours": "-3",
            "cost": "0",
            "currency": "CAD",
            "language": "en",
            "credit_type": "non_credit",
            "achievement_indicator": "digital_badge",
            "accreditation_status": "none",
        },
    )
    assert page.status_code == 400
    assert "This cannot be negative." in page.content.decode()
    assert not MicroCredential.objects.exists()


def test_the_demo_credentials_are_published_and_findable(client) -> None:
    load_demo()
    assert MicroCredential.objects.exclude(status=Status.PUBLISHED).count() == 0
    html = client.get("/catalog/?q=communication").content.decode()
    assert "Communication and Collaboration in the Workplace" in html
    assert client.get("/api/v1/catalog/credentials").json()["total"] == 5
