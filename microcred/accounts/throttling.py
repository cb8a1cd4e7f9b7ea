"""Brute-force limits: counted attempts per client address (and per address and account), in the database.

Each *scope* has a rate, ``"<attempts>/<seconds>"`` in ``settings.MICROCRED_THROTTLES``. Attempts are counted in
fixed windows of that many seconds; once a key has used its attempts, it is refused with :class:`Throttled` (429,
``Retry-After``: the seconds left in the window) until the window ends. Nothing is ever locked for longer than one
window, and an account is only ever counted together with the address trying it, so someone guessing a person's
password from elsewhere cannot lock that person out: their own address has its own count.

- ``login.account`` / ``login.address``: wrong passwords, per address and e-mail, and per address;
- ``password_reset.account`` / ``password_reset.address``: reset requests;
- ``sign_up.address``: accounts created (and attempts to reuse an e-mail);
- ``share_password.link`` / ``share_password.address``: wrong share-link passwords;
- ``token.address``: requests with an API token that opens nothing;
- ``verify.address``: calls of the public verifier (``POST /api/v1/verify`` and the verify page);
- ``vc_verify.address``: calls of the W3C VC-API verifiers (``/credentials/verify``, ``/presentations/verify``);
- ``oid4vci.address``: OID4VCI nonce and token requests (a wallet makes one or two per credential), and the
  authorization server's token and client-registration endpoints.
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils.translation import gettext as _

from microcred.accounts.models import ThrottleWindow
from microcred.errors import DomainError

DEFAULT_RATES = {
    "login.account": "5/900",
    "login.address": "50/900",
    "password_reset.account": "3/3600",
    "password_reset.address": "20/3600",
    "sign_up.address": "10/3600",
    "share_password.link": "5/900",
    "share_password.address": "50/900",
    "token.address": "20/300",
    "verify.address": "60/60",
    "vc_verify.address": "300/60",
    "oid4vci.address": "60/60",
}
_RETRY_AFTER = "_microcred_retry_after"


class Throttled(DomainError):
    """Too many attempts: wait ``retry_after`` seconds."""

    status = 429
    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(_("Too many attempts. Try again in %(minutes)s minute(s).") % {"minutes": minutes})
        self.retry_after = retry_after

    def to_json(self) -> dict[str, object]:
        return super().to_json() | {"retryAfter": self.retry_after}


@dataclass(frozen=True)
class Rate:
    attempts: int
    seconds: int


def rate_of(scope: str) -> Rate:
    text = {**DEFAULT_RATES, **getattr(settings, "MICROCRED_THROTTLES", {})}[scope]
    attempts, _sep, seconds = text.partition("/")
    return Rate(int(attempts), int(seconds))


def client_address(request: HttpRequest) -> str:
    """The client's IP address: ``REMOTE_ADDR``, or behind ``MICROCRED_PROXY_COUNT`` trusted proxies the address the
    outermost of them saw (taken from the right of ``X-Forwarded-For``, so a client cannot choose it)."""
    proxies = int(getattr(settings, "MICROCRED_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        chain = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(chain) >= proxies:
            return chain[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


_SWEEP_EVERY = 500  # on average, one count in this many also deletes the windows that ended


def _count(window_key: str, ends_at: int) -> int:
    """Count one attempt in ``window_key``'s window; its count so far, this one included (one atomic statement)."""
    if random.randrange(_SWEEP_EVERY) == 0:
        ThrottleWindow.objects.filter(ends_at__lt=int(time.time())).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO microcred_throttle ("key", "count", ends_at) VALUES (%s, 1, %s) '
            'ON CONFLICT ("key") DO UPDATE SET "count" = microcred_throttle."count" + 1 RETURNING "count"',
            [window_key, ends_at],
        )
        return int(cursor.fetchone()[0])


def _slot(scope: str, key: str) -> tuple[str, Rate, int, int]:
    """The window's key, the scope's rate, the seconds left in the window and when it ends (Unix seconds)."""
    rate = rate_of(scope)
    now = time.time()
    start = int(now // rate.seconds) * rate.seconds
    digest = hashlib.sha256(f"{scope}\0{key.strip().lower()}".encode()).hexdigest()[:40]
    end = start + rate.seconds
    return f"{scope}:{digest}:{start}", rate, max(1, math.ceil(end - now)), end


Keys = Iterable[tuple[str, str]]


def _refuse(request: HttpRequest | None, worst: int) -> None:
    if worst:
        if request is not None:
            setattr(request, _RETRY_AFTER, worst)
        raise Throttled(worst)


def check(request: HttpRequest | None, keys: Keys) -> None:
    """Refuse (:class:`Throttled`) if any ``(scope, key)`` has used its attempts in the current window."""
    slots = [_slot(scope, key) for scope, key in keys]
    if not slots:
        return
    counts = dict(ThrottleWindow.objects.filter(key__in=[slot[0] for slot in slots]).values_list("key", "count"))
    _refuse(request, max((left for key, rate, left, _end in slots if counts.get(key, 0) >= rate.attempts), default=0))


def record(keys: Keys) -> None:
    """Count one attempt (a failure, or any attempt where every attempt counts) for each ``(scope, key)``."""
    for scope, key in keys:
        window_key, _rate, _left, end = _slot(scope, key)
        _count(window_key, end)


def attempt(request: HttpRequest | None, keys: Keys) -> None:
    """Count, then refuse if over the limit: for limits on every attempt (password resets, sign-ups, verifications).

    One statement per key: an attempt refused is counted too, which changes nothing, the window being fixed."""
    worst = 0
    for scope, key in keys:
        window_key, rate, left, end = _slot(scope, key)
        if _count(window_key, end) > rate.attempts:
            worst = max(worst, left)
    _refuse(request, worst)


def forget(keys: Keys) -> None:
    """A success clears the count of the account it proved (``login.account`` after the right password)."""
    ThrottleWindow.objects.filter(key__in=[_slot(scope, key)[0] for scope, key in keys]).delete()


def retry_after_of(request: HttpRequest) -> int | None:
    return getattr(request, _RETRY_AFTER, None)


# ---------------------------------------------------------------- the keys of each guarded action


def login_keys(request: HttpRequest, email: str) -> list[tuple[str, str]]:
    address = client_address(request)
    return [("login.account", f"{address}|{email}"), ("login.address", address)]


def password_reset_keys(request: HttpRequest, email: str) -> list[tuple[str, str]]:
    address = client_address(request)
    return [("password_reset.account", f"{address}|{email}"), ("password_reset.address", address)]


def sign_up_keys(request: HttpRequest) -> list[tuple[str, str]]:
    return [("sign_up.address", client_address(request))]


def share_password_keys(request: HttpRequest, link_id: str) -> list[tuple[str, str]]:
    address = client_address(request)
    return [("share_password.link", f"{address}|{link_id}"), ("share_password.address", address)]


def token_keys(request: HttpRequest) -> list[tuple[str, str]]:
    return [("token.address", client_address(request))]


def verify_keys(request: HttpRequest) -> list[tuple[str, str]]:
    return address_keys(request, "verify.address")


def address_keys(request: HttpRequest, scope: str) -> list[tuple[str, str]]:
    """The key of a scope counted per client address only."""
    return [(scope, client_address(request))]
