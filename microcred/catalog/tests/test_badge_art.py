"""A badge made from the title, the provider and a colour, for providers without an image of their own."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from PIL import Image

from microcred.audit.models import AuditEntry
from microcred.catalog import services
from microcred.catalog.badge_art import SIZE, render_badge
from microcred.catalog.tests.conftest import draft
from microcred.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def _pixel(data: bytes, xy: tuple[int, int]) -> tuple[int, ...]:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGBA").getpixel(xy)


def test_the_badge_is_a_disc_in_the_colour_with_readable_text() -> None:
    data = render_badge("Données pour décider — œuvre", "Collège Érable", "#b91c1c")
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.size == (SIZE, SIZE)
    assert _pixel(data, (SIZE // 2, 20))[:3] == (0xB9, 0x1C, 0x1C)  # the disc
    assert _pixel(data, (2, 2))[3] == 0  # transparent outside it
    assert render_badge("A", "B", "not a colour") == render_badge("A", "B")  # the default colour


def test_a_long_title_still_fits() -> None:
    data = render_badge("Very " * 60 + "long", "Provider " * 20, "#fde047")
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (SIZE, SIZE)


def test_a_draft_gets_a_generated_badge_kept_like_an_upload(admin, provider) -> None:  # type: ignore[no-untyped-def]
    credential = draft(admin, provider, title="Welding safety")
    services.generate_image(actor=admin, credential=credential, colour="#0f766e")
    credential.refresh_from_db()
    assert credential.image.name.endswith(".png")
    assert _pixel(credential.image.read(), (SIZE // 2, 20))[:3] == (0x0F, 0x76, 0x6E)
    assert AuditEntry.objects.filter(action="catalog.set_image").exists()
    with pytest.raises(ValidationFailed) as refused:
        services.generate_image(actor=admin, credential=credential, colour="red; drop table")
    assert [(e.field, e.code) for e in refused.value.errors] == [("badge_colour", "invalid")]


def test_the_design_form_generates_the_badge(admin, provider) -> None:  # type: ignore[no-untyped-def]
    credential = draft(admin, provider, title="Welding safety")
    client = Client()
    client.force_login(admin)
    url = f"/catalog/{provider.slug}/{credential.slug}/v1/edit/"
    page = client.get(url).content.decode()
    assert 'type="color"' in page and "Generate a badge for me" in page
    form = {
        "title": "Welding safety",
        "delivery_mode": "online",
        "pace": "cohort",
        "workload_hours": "20",
        "cost": "100",
        "currency": "CAD",
        "language": "en",
        "credit_type": "non_credit",
        "achievement_indicator": "digital_badge",
        "accreditation_status": "none",
        "generate_badge": "on",
        "badge_colour": "#7c3aed",
    }
    saved = client.post(url, form)
    assert saved.status_code == 302, saved.content.decode()[-3000:]
    credential.refresh_from_db()
    assert credential.image and _pixel(credential.image.read(), (SIZE // 2, 20))[:3] == (0x7C, 0x3A, 0xED)
