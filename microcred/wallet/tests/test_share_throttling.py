"""F3 of issue 21: fifty wrong share-link passwords, then the right one, no longer open the link."""

from __future__ import annotations

import pytest
from django.test import Client

from microcred.wallet.tests.conftest import issue
from microcred.wallet.tests.test_sharing import share

pytestmark = pytest.mark.django_db


def test_guessing_a_share_links_password_is_held_back(provider, learner) -> None:
    _link, token = share(learner, [issue(provider, learner)], password="open sesame")
    guesser = Client(REMOTE_ADDR="203.0.113.30")
    statuses = [guesser.post(f"/wallet/s/{token}/", {"password": f"guess {n}"}).status_code for n in range(50)]
    assert statuses[:5] == [400] * 5 and set(statuses[5:]) == {429}
    refused = guesser.post(f"/wallet/s/{token}/", {"password": "open sesame"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Welding" not in refused.content.decode()
    visitor = Client(REMOTE_ADDR="198.51.100.30")  # the person the learner gave the password to
    opened = visitor.post(f"/wallet/s/{token}/", {"password": "open sesame"}, follow=True)
    assert opened.status_code == 200 and "Welding safety" in opened.content.decode()
