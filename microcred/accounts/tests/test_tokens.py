"""F7 of issue 21: API tokens are listed and revoked (page and API), scoped (read, write, issue, admin), expire,
are shown once and kept hashed, cannot mint tokens without the admin scope, and die when the password changes."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from microcred.accounts import services
from microcred.accounts.models import ApiToken
from microcred.accounts.route_access import ROUTES, scope_needed, scope_of_route
from microcred.testing.factories import make_member, make_user

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> dict[str, str]:
    return {"authorization": f"Bearer {secret}"}


def call(method: str, path: str, secret: str, body: object = None):
    data = b"{}" if body is None else json.dumps(body).encode()
    return Client().generic(
        method,
        f"/api/v1/{path}",
        data=data,
        content_type="application/json",
        **{"HTTP_AUTHORIZATION": f"Bearer {secret}"},
    )


def test_a_token_is_shown_once_kept_hashed_listed_and_revoked_through_the_api(api_as) -> None:
    user = make_user()
    made = api_as(user).post("tokens", {"name": "ci", "scopes": ["read", "write"], "expires_in_days": 30})
    assert made.status_code == 201
    secret = made.json_body["token"]
    assert made.json_body["scopes"] == ["read", "write"] and made.json_body["expires_at"]
    stored = ApiToken.objects.get()
    assert secret not in (stored.token_hash, stored.prefix) and stored.prefix == secret[:10]
    listed = api_as(user).get("tokens").json_body
    assert [t["name"] for t in listed] == ["ci"] and "token" not in listed[0]
    assert call("GET", "me", secret).status_code == 200
    assert api_as(user).delete(f"tokens/{stored.pk}").status_code == 204
    assert call("GET", "me", secret).status_code == 401
    assert api_as(make_user()).delete(f"tokens/{stored.pk}").json_body["code"] == "token_not_found"


def test_a_read_token_reads_and_writes_nothing() -> None:
    user = make_user()
    _token, secret = services.create_api_token(user=user, name="dashboard", scopes=["read"])
    assert call("GET", "me", secret).status_code == 200
    refused = call("POST", "organizations", secret, {"name": "Acme", "kind": "employer"})
    assert (refused.status_code, refused.json()["code"]) == (403, "token_scope")


def test_issuing_needs_the_issue_scope(provider) -> None:
    admin = make_member(provider, "admin")
    _t, write_only = services.create_api_token(user=admin, name="w", scopes=["read", "write"])
    refused = call("POST", f"organizations/{provider.slug}/credentials", write_only, {})
    assert (refused.status_code, refused.json()["code"]) == (403, "token_scope")
    vc = Client().post("/credentials/issue", data=b"{}", content_type="application/json", headers=bearer(write_only))
    assert (vc.status_code, vc.json()["code"]) == (403, "token_scope")
    _t, issuer = services.create_api_token(user=admin, name="i", scopes=["issue"])
    passed = call("POST", f"organizations/{provider.slug}/credentials", issuer, {})
    assert passed.status_code != 403 or passed.json()["code"] != "token_scope"


def test_only_an_admin_token_mints_tokens_and_never_wider_than_itself() -> None:
    user = make_user()
    _t, writer = services.create_api_token(user=user, name="w", scopes=["read", "write", "issue"])
    refused = call("POST", "tokens", writer, {"name": "more", "scopes": ["read"]})
    assert (refused.status_code, refused.json()["code"]) == (403, "token_scope")
    assert call("DELETE", f"tokens/{_t.pk}", writer).status_code == 403
    _t, admin = services.create_api_token(user=user, name="a", scopes=["admin"])
    minted = call("POST", "tokens", admin, {"name": "child", "scopes": ["read"]})
    assert minted.status_code == 201 and minted.json()["scopes"] == ["read"]
    _t, reader_and_admin = services.create_api_token(user=user, name="ra", scopes=["read"])
    assert call("POST", "tokens", reader_and_admin, {"name": "x"}).status_code == 403


def test_an_expired_token_opens_nothing() -> None:
    user = make_user()
    token, secret = services.create_api_token(user=user, name="old", scopes=["read"], expires_in_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert call("GET", "me", secret).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "scopes": ["root"]},
        {"name": "x", "scopes": []},
        {"name": "x", "expires_in_days": 0},
        {"name": "x", "expires_in_days": 9999},
    ],
)
def test_bad_scopes_and_lifetimes_are_a_400(api_as, body) -> None:
    response = api_as(make_user()).post("tokens", body)
    assert response.status_code == 400 and response.json_body["code"] == "validation_failed"


def test_a_new_password_revokes_every_token(mailoutbox) -> None:
    user = make_user(email="lena@example.org")
    _t, secret = services.create_api_token(user=user, name="ci", scopes=["read"])
    _t, other = services.create_api_token(user=user, name="ci2", scopes=["read"])
    client = Client()
    client.post("/accounts/password-reset/", {"email": "lena@example.org"})
    link = re.search(r"(/accounts/reset/\S+/)", mailoutbox[-1].body).group(1)
    form = client.get(link, follow=True)
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "a-brand-new-secret", "new_password2": "a-brand-new-secret"}
    )
    assert done.status_code == 302
    assert call("GET", "me", secret).status_code == 401 and call("GET", "me", other).status_code == 401
    _t, fresh = services.create_api_token(user=user, name="after", scopes=["read"])
    user.set_password("yet-another-secret")
    user.save()
    assert call("GET", "me", fresh).status_code == 401


def test_the_tokens_page_makes_shows_once_lists_and_revokes(client) -> None:
    user = make_user()
    client.force_login(user)
    made = client.post("/accounts/tokens/", {"name": "ats", "scopes": ["read", "issue"], "expires_in_days": "30"})
    assert made.status_code == 201 and made["Cache-Control"] == "no-store"
    secret = re.search(r'value="(mc_[^"]+)"', made.content.decode()).group(1)
    assert call("GET", "me", secret).status_code == 200
    again = client.get("/accounts/tokens/").content.decode()
    assert "ats" in again and secret not in again and "read, issue" in again
    token = ApiToken.objects.get()
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    assert "Revoked" in client.get("/accounts/tokens/").content.decode()
    assert call("GET", "me", secret).status_code == 401
    bad = client.post("/accounts/tokens/", {"name": "", "scopes": []})
    assert bad.status_code == 400


def test_every_route_needs_a_scope_and_unknown_paths_need_admin() -> None:
    for api_name, table in ROUTES.items():
        for key in table:
            assert scope_of_route(api_name, key) in {"read", "write", "issue", "admin"}
    assert scope_needed("api", "GET", "/assessment/credentials/7/plan") == "read"
    assert scope_needed("api", "POST", "/organizations/acme/keys/rotate") == "admin"
    assert scope_needed("api", "POST", "/credentials/x/revoke") == "issue"
    assert scope_needed("vc-api", "POST", "/credentials/issue") == "issue"
    assert scope_needed("api", "POST", "/no/such/route") == "admin"
