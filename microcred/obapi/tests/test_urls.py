"""Every route of the Open Badges API and of the authorization server declares who may call it."""

from __future__ import annotations

from microcred.oauth import urls as oauth_urls
from microcred.obapi import urls


def test_every_route_declares_its_access() -> None:
    for module in (urls, oauth_urls):
        assert {pattern.name for pattern in module.urlpatterns} == set(module.ACCESS)
