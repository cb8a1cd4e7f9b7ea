"""Log in, log out, reset a password, look at an organization, accept an invitation: the pages."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from microcred.accounts.models import Membership
from microcred.testing.factories import PASSWORD, make_member, make_user

pytestmark = pytest.mark.django_db


def test_login_and_logout(client) -> None:
    user = make_user(email="lena@example.org")
    response = client.post("/accounts/login/", {"username": "LENA@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/accounts/").context["user"] == user
    wrong = client.post("/accounts/login/", {"username": "lena@example.org", "password": "nope"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    client.post("/accounts/logout/")
    assert client.get("/accounts/").status_code == 302


def test_password_reset_by_e_mail(client) -> None:
    make_user(email="lena@example.org")
    client.post("/accounts/password-reset/", {"email": "lena@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    new = "another-long-secret-9"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert client.login(username="lena@example.org", password=new)


def test_password_reset_does_not_tell_who_has_an_account(client) -> None:
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and not mail.outbox


def test_an_admin_invites_from_the_organization_page(client, provider, django_capture_on_commit_callbacks) -> None:
    admin = make_member(provider, "admin")
    client.force_login(admin)
    page = client.get(f"/organizations/{provider.slug}/")
    assert page.status_code == 200 and page.context["can_manage"]
    bad = client.post(f"/organizations/{provider.slug}/", {"email": "not an address", "role": "assessor"})
    assert bad.status_code == 400 and "email" in bad.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/organizations/{provider.slug}/", {"email": "ada@example.org", "role": "assessor"})
    token = re.search(r"/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)

    ada = make_user(email="ada@example.org")
    client.force_login(ada)
    assert client.get(f"/invitations/{token}/").status_code == 200
    client.post(f"/invitations/{token}/")
    assert Membership.objects.filter(user=ada, role="assessor").exists()
    assert client.get(f"/invitations/{token}/").status_code == 410
    assert client.get("/invitations/made-up/").status_code == 404


def test_strangers_do_not_see_an_organization_and_members_cannot_invite(client, provider) -> None:
    make_member(provider, "admin")
    client.force_login(make_user())
    assert client.get(f"/organizations/{provider.slug}/").status_code == 403
    client.force_login(make_member(provider, "assessor"))
    page = client.get(f"/organizations/{provider.slug}/")
    assert page.status_code == 200 and not page.context["can_manage"]
    assert (
        client.post(f"/organizations/{provider.slug}/", {"email": "a@example.org", "role": "admin"}).status_code == 403
    )


def test_pages_speak_french(client) -> None:
    response = client.get("/accounts/login/", headers={"accept-language": "fr"})
    assert "Se connecter" in response.content.decode()
    assert 'lang="fr"' in response.content.decode()


def test_pages_send_security_headers(client) -> None:
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_user_text_is_escaped(client, provider) -> None:
    admin = make_member(provider, "admin")
    admin.display_name = "<script>alert(1)</script>"
    admin.save()
    client.force_login(admin)
    body = client.get(f"/organizations/{provider.slug}/").content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_the_stylesheet_is_served(client) -> None:
    response = client.get("/static/microcred/site.css")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/css")
