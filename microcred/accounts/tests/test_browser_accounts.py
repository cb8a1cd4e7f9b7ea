"""Journeys in a real browser: a learner signs up, confirms the e-mail and finds the wallet; an admin sees the
organization."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from microcred.testing.factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_learner_signs_up_logs_in_and_sees_an_empty_wallet(page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Your name").fill("Lena Learner")
    page.get_by_label("E-mail address").fill("lena@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-enough-secret")
    page.get_by_label("Password again").fill("a-long-enough-secret")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/accounts/signup/sent/")
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    link = re.search(r"https?://\S+/accounts/signup/confirm/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Open my account").click()
    page.wait_for_url("**/wallet/")
    expect(page.get_by_role("heading", name="My wallet")).to_be_visible()
    expect(page.get_by_text("Your wallet is empty.")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("E-mail address").fill("lena@example.org")
    page.get_by_label("Password").fill("a-long-enough-secret")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="My wallet").click()
    expect(page.get_by_text("Your wallet is empty.")).to_be_visible()


def test_sign_up_errors_show_beside_the_fields(page) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Your name").fill("Lena")
    page.get_by_label("E-mail address").fill("lena@example.org")
    page.get_by_label("Password", exact=True).fill("12345")
    page.get_by_label("Password again").fill("12345")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert "too short" in page.locator(".field.has-error").first.inner_text()


def test_a_provider_admin_logs_in_and_sees_the_organization(page, provider) -> None:
    admin = make_member(provider, "admin", email="admin@maple.example")
    make_member(provider, "reviewer", email="reviewer@maple.example")
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="My organizations").click()
    page.get_by_role("link", name="Maple College").click()
    expect(page.get_by_role("heading", name="Maple College")).to_be_visible()
    members = page.get_by_role("table").first
    assert "reviewer@maple.example" in members.inner_text()
    page.get_by_label("E-mail address").fill("new.assessor@maple.example")
    page.get_by_label("Role").select_option("assessor")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to new.assessor@maple.example.")).to_be_visible()


def test_the_site_switches_to_french(page) -> None:
    page.goto("/")
    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", name="Des microcertifications dignes de confiance")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "fr"
