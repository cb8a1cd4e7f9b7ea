"""Every API route declares who may call it (``microcred/accounts/route_access.py``), and its authentication
agrees with the declaration: the class of issue 21's F1 (a route that nobody decided about), not just its instance."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from ninja import NinjaAPI

from microcred.accounts.permissions import ACTIONS
from microcred.accounts.route_access import ROUTES, RouteAccess, access_of
from microcred.api import api, vc_api

APIS: dict[str, tuple[NinjaAPI, str]] = {"api": (api, "/api/v1"), "vc-api": (vc_api, "")}


def _routes() -> Iterator[tuple[str, str, str, object]]:
    """(api name, method, path, operation) for every operation of both ninja APIs."""
    for name, (ninja_api, _root) in APIS.items():
        for prefix, router in ninja_api._routers:
            for path, path_view in router.path_operations.items():
                full = re.sub("/+", "/", "/" + prefix + "/" + path)
                for operation in path_view.operations:
                    for method in operation.methods:
                        yield name, method, full, operation


ALL = sorted((name, method, path) for name, method, path, _op in _routes())


def test_every_route_declares_who_may_call_it() -> None:
    missing = [f"{name}: {method} {path}" for name, method, path in ALL if access_of(name, method, path) is None]
    assert missing == [], "declare these routes in microcred/accounts/route_access.py"


def test_every_declaration_names_a_route() -> None:
    routes = {(name, f"{method} {path}") for name, method, path in ALL}
    stale = [(name, key) for name, table in ROUTES.items() for key in table if (name, key) not in routes]
    assert stale == []


def test_declared_actions_are_in_the_permission_table_and_public_routes_say_why() -> None:
    for table in ROUTES.values():
        for key, access in table.items():
            assert isinstance(access, RouteAccess), key
            for action in access.actions:
                assert action in ACTIONS, (key, action)
            if access.kind == "permission":
                assert access.actions, key
            else:
                assert access.note.strip(), key


def test_public_routes_and_only_they_let_anonymous_callers_in_by_declaration() -> None:
    mismatches = []
    for name, method, path, operation in _routes():
        access = access_of(name, method, path)
        admits_anyone = operation.auth_param is None  # ``auth=None`` on the route
        if access is not None and (access.kind == "public") != admits_anyone:
            mismatches.append((name, method, path, str(access)))
    assert mismatches == []


def _fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "path"), [r for r in ALL if getattr(access_of(*r), "kind", "") != "public"])
def test_anonymous_callers_of_a_route_that_is_not_public_get_401(name: str, method: str, path: str) -> None:
    root = APIS[name][1]
    response = Client().generic(method, root + _fill(path), data=b"{}", content_type="application/json")
    assert response.status_code == 401, (method, path, response.content[:200])
    assert response.json()["code"] == "not_authenticated"
