"""Verified status lists kept across verifications: the same answers as verifying them each time, less work."""

from __future__ import annotations

import copy
from datetime import timedelta

from microcred.vc import status
from microcred.vc import verify as verifier
from microcred.vc.status_cache import VerifiedListCache, digest
from microcred.vc.tests.verify_fixtures import (
    KEY,
    NOW,
    StatusServer,
    resolver,
    sign,
    unsigned,
)


class CountingCache(VerifiedListCache):
    """The cache, counting the lists it answered for (a list it answers for is not verified again)."""

    def __init__(self) -> None:
        super().__init__()
        self.hits = 0

    def get(self, key, now):  # type: ignore[no-untyped-def]
        found = super().get(key, now)
        self.hits += found is not None
        return found


def verify(credential, server: StatusServer, cache: VerifiedListCache | None, now=NOW):  # type: ignore[no-untyped-def]
    return verifier.verify(
        credential,
        resolver=resolver(),
        now=now,
        status_fetcher=server.fetch,
        status_list_cache=cache,
    )


def test_a_kept_list_is_not_verified_again_and_the_answers_are_the_same() -> None:
    server = StatusServer(revoked={7})
    cache = CountingCache()
    good = sign(unsigned(id="urn:uuid:good", credential_status=server.entries(index=3)))
    revoked = sign(unsigned(id="urn:uuid:revoked", credential_status=server.entries(index=7)))
    assert verify(good, server, cache).valid and cache.hits == 0
    assert verify(good, server, cache).valid and cache.hits == 2  # both lists, fetched again, were known
    report = verify(revoked, server, cache)
    assert not report.valid and report.check(verifier.STATUS).reason == verifier.REVOKED
    assert [c.to_json() for c in verify(good, server, cache).checks] == [
        c.to_json() for c in verify(good, server, None).checks
    ]


def test_a_changed_list_is_a_new_entry() -> None:
    server = StatusServer()
    cache = VerifiedListCache()
    credential = sign(unsigned(credential_status=server.entries(index=9)))
    assert verify(credential, server, cache).valid
    # the issuer revokes index 9: the list is signed again, so its content (and digest) changes
    revoked = StatusServer(revoked={9})
    server.lists = revoked.lists
    report = verify(credential, server, cache)
    assert not report.valid and report.check(verifier.STATUS).reason == verifier.REVOKED


def test_a_tampered_list_is_not_taken_from_the_cache() -> None:
    server = StatusServer()
    cache = VerifiedListCache()
    credential = sign(unsigned(credential_status=server.entries(index=4)))
    assert verify(credential, server, cache).valid
    url = StatusServer.url("revocation")
    tampered = copy.deepcopy(server.lists[url])
    bits = bytearray(status.decode_bitstring(tampered["credentialSubject"]["encodedList"]))
    bits[0] |= 0x08  # index 4 flagged, signature left as it was
    tampered["credentialSubject"]["encodedList"] = status.encode_bitstring(bytes(bits))
    server.lists[url] = tampered
    report = verify(credential, server, cache)
    assert not report.valid and report.check(verifier.STATUS).reason == verifier.STATUS_LIST_INVALID
    server.lists[url] = StatusServer().lists[url]  # the genuine list again: still known
    assert verify(credential, server, cache).valid


def test_the_window_bounds_reuse() -> None:
    server = StatusServer()
    credential = sign(unsigned(credential_status=server.entries(index=2)))
    cache = VerifiedListCache(ttl_seconds=60)
    url = StatusServer.url("revocation")
    key = cache.key(url, server.lists[url])
    assert key is not None and cache.get(key, NOW) is None
    assert verify(credential, server, cache).valid
    assert cache.get(key, NOW) is not None
    assert cache.get(key, NOW + timedelta(seconds=61)) is None  # past the time to live
    assert cache.get(key, NOW - timedelta(seconds=1)) is None  # "as of" a moment before it was verified
    assert cache.key(url, copy.deepcopy(server.lists[url])) == key  # the same content, another object


def test_a_list_with_an_end_is_kept_no_longer_than_its_end() -> None:
    server = StatusServer()
    url = StatusServer.url("suspension")
    document = copy.deepcopy(server.lists[url])
    document.pop("proof")
    document["validUntil"] = (NOW + timedelta(seconds=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    server.lists[url] = sign(document, KEY)
    credential = sign(unsigned(credential_status=server.entries(index=1)))
    cache = VerifiedListCache(ttl_seconds=600)
    assert verify(credential, server, cache).valid
    key = cache.key(url, server.lists[url])
    assert key is not None
    assert cache.get(key, NOW + timedelta(seconds=5)) is not None
    assert cache.get(key, NOW + timedelta(seconds=11)) is None


def test_what_has_no_digest_is_never_kept() -> None:
    assert digest(None) is None and digest(42) is None and digest({"a": object()}) is None
    assert digest("eyJ.a.b") == digest(b"eyJ.a.b")
