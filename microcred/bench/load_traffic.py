"""The load generator of ``microcred bench load``: clients on keep-alive connections, the four kinds of work, a phase.

Each kind returns "" when the answer shows the work was done, else what went wrong (a failure is never silent).
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote, urlencode

from microcred.bench import load_cpu
from microcred.bench.load_data import COHORT, LoadSite, results_csv

KINDS = ("verify", "search", "wallet", "award")
POLL_SECONDS = 0.1
AWARD_TIMEOUT = 120.0


class Client:
    """One keep-alive connection; ``request`` answers (status, response, body) and reconnects after a broken one."""

    def __init__(self, port: int, cookie: str = "", token: str = "") -> None:
        self.port = port
        self.headers = {"Cookie": cookie} if cookie else {}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPResponse, bytes]:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        extra = {"Content-Type": "application/json"} if isinstance(body, dict) else {}
        try:
            self.connection.request(method, path, body=data, headers={**self.headers, **extra, **(headers or {})})
            response = self.connection.getresponse()
            return response.status, response, response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise

    def close(self) -> None:
        self.connection.close()


def log_in(port: int, site: LoadSite) -> dict[str, str]:
    """Each learner signs in through the log-in form (CSRF token and all); their session cookies."""
    sessions = {}
    for email in site.learners:
        client = Client(port)
        status, response, body = client.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        csrf = _cookie(response, "csrftoken")
        if status != 200 or token is None or csrf is None:
            raise RuntimeError(f"the log-in page answered {status} without its CSRF token")
        form = urlencode({"username": email, "password": site.learner_password, "csrfmiddlewaretoken": token[1]})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf.value}"}
        status, response, _ = client.request("POST", "/accounts/login/", form.encode(), headers)
        session = _cookie(response, "sessionid")
        if status != 302 or session is None:
            raise RuntimeError(f"{email} could not sign in: {status}")
        sessions[email] = f"sessionid={session.value}"
        client.close()
    return sessions


def _cookie(response: http.client.HTTPResponse, name: str) -> Any:
    for header in response.headers.get_all("Set-Cookie") or []:
        if name in (cookie := SimpleCookie(header)):
            return cookie[name]
    return None


def warm(port: int, site: LoadSite, sessions: dict[str, str]) -> None:
    """A few requests of each kind first, so every worker has loaded Django, its templates and caches."""
    verifier, searcher = Client(port), Client(port)
    for index in range(12):
        _verify(verifier, site, index)
        _search(searcher, site, index)
        email = site.learners[index % len(site.learners)]
        learner = Client(port, cookie=sessions[email])
        _wallet(learner, site, email)
        learner.close()
    verifier.close()
    searcher.close()


def _verify(client: Client, site: LoadSite, index: int) -> str:
    body = {"credential": site.credentials[index % len(site.credentials)]}
    status, _, answer = client.request("POST", "/api/v1/verify", body)
    if status != 200:
        return f"POST /api/v1/verify answered {status}: {answer[:200]!r}"
    if json.loads(answer).get("verified") is not True:
        return f"POST /api/v1/verify did not verify: {answer[:300]!r}"
    return ""


def _search(client: Client, site: LoadSite, index: int) -> str:
    words = site.searches[index % len(site.searches)]
    status, _, answer = client.request("GET", f"/catalog/?q={quote(words)}")
    if status != 200:
        return f"GET /catalog/?q={words} answered {status}"
    if site.tag.encode() not in answer:  # the provider's name on the results: something was found
        return f"GET /catalog/?q={words} found nothing"
    return ""


def _wallet(client: Client, site: LoadSite, email: str) -> str:
    status, _, answer = client.request("GET", "/wallet/")
    if status != 200:
        return f"GET /wallet/ as {email} answered {status}"
    if site.learner_credentials[email].encode() not in answer:
        return f"GET /wallet/ as {email} does not show the learner's credential"
    return ""


def _award(client: Client, site: LoadSite, credential: int, batch: str) -> str:
    """Enrol ``COHORT`` new learners, import their results, start a bulk award, wait until the workers finish it."""
    emails = [f"award-{batch}-{i}@{site.tag}.load.example" for i in range(COHORT)]
    base = f"/api/v1/assessment/credentials/{credential}"
    roster = {"csv": "email\n" + "\n".join(emails) + "\n"}
    status, _, answer = client.request("POST", f"{base}/enrolments/csv", roster)
    if status != 200 or json.loads(answer)["enrolled"] != COHORT:
        return f"POST {base}/enrolments/csv answered {status}: {answer[:300]!r}"
    status, _, answer = client.request("POST", f"{base}/gradebook", {"csv": results_csv(emails), "filename": "g.csv"})
    if status != 201 or json.loads(answer)["good_rows"] != COHORT:
        return f"POST {base}/gradebook answered {status}: {answer[:300]!r}"
    imported = json.loads(answer)["id"]
    status, _, answer = client.request("POST", f"/api/v1/assessment/gradebook/{imported}/apply", {})
    if status != 200 or not json.loads(answer)["applied"]:
        return f"POST /api/v1/assessment/gradebook/{imported}/apply answered {status}: {answer[:300]!r}"
    status, _, answer = client.request("POST", f"{base}/bulk-award", b"")
    if status != 202:
        return f"POST {base}/bulk-award answered {status}: {answer[:300]!r}"
    job = json.loads(answer)
    deadline = time.monotonic() + AWARD_TIMEOUT
    while job["status"] not in ("done", "failed"):
        if time.monotonic() > deadline:
            return f"bulk award {job['id']} not done after {AWARD_TIMEOUT:.0f} s: {job}"
        time.sleep(POLL_SECONDS)
        status, _, answer = client.request("GET", f"/api/v1/assessment/bulk-award/{job['id']}")
        if status != 200:
            return f"GET /api/v1/assessment/bulk-award/{job['id']} answered {status}: {answer[:300]!r}"
        job = json.loads(answer)
    if job["status"] != "done" or job["awarded"] != COHORT or job["failed"]:
        return f"bulk award {job['id']} ended {job['status']} with {job['awarded']} of {COHORT} awarded: {job}"
    return ""


# ---------------------------------------------------------------- phases


@dataclass
class Phase:
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    done: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))  # completed within the window
    errors: dict[str, list[str]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    cpu: dict[str, float] = field(default_factory=dict)  # cores used during the window, by part

    def rate(self, kind: str) -> float:
        return self.done[kind] / self.seconds

    @property
    def throughput(self) -> float:
        return sum(self.done.values()) / self.seconds

    @property
    def error_count(self) -> int:
        return sum(len(errors) for errors in self.errors.values())


_counter = iter(range(10**9))
_counter_lock = threading.Lock()


def _batch() -> str:
    with _counter_lock:
        return str(next(_counter))


def run_phase(
    port: int,
    site: LoadSite,
    sessions: dict[str, str],
    args: argparse.Namespace,
    *,
    mix: tuple[str, ...],
    award_clients: int,
    parts: dict[str, set[int]],
) -> Phase:
    phase = Phase(seconds=args.seconds)
    lock = threading.Lock()
    stop = threading.Event()
    begin = time.monotonic()
    end = begin + args.seconds

    def record(kind: str, started: float, error: str) -> None:
        finished = time.monotonic()
        with lock:
            phase.latencies[kind].append(finished - started)
            if error:
                phase.errors[kind].append(error)
            elif finished <= end:
                phase.done[kind] += 1

    def requests_client(number: int) -> None:
        email = site.learners[number % len(site.learners)]
        clients = {"verify": Client(port), "search": Client(port), "wallet": Client(port, cookie=sessions[email])}
        calls: dict[str, Callable[[int], str]] = {
            "verify": lambda i: _verify(clients["verify"], site, i),
            "search": lambda i: _search(clients["search"], site, i),
            "wallet": lambda i: _wallet(clients["wallet"], site, email),
        }
        index = number
        while not stop.is_set() and time.monotonic() < end:
            kind = mix[index % len(mix)]
            started = time.monotonic()
            try:
                error = calls[kind](index + number * 7)
            except (OSError, http.client.HTTPException, ValueError, KeyError) as failure:
                error = f"{kind}: {type(failure).__name__}: {failure}"
            record(kind, started, error)
            index += 1
        for client in clients.values():
            client.close()

    def award_client(number: int) -> None:
        client = Client(port, token=site.admin_token)
        credential = site.award_credentials[number % len(site.award_credentials)]
        while not stop.is_set() and time.monotonic() < end:
            started = time.monotonic()
            try:
                error = _award(client, site, credential, f"{number}-{_batch()}")
            except (OSError, http.client.HTTPException, ValueError, KeyError) as failure:
                error = f"award: {type(failure).__name__}: {failure}"
            record("award", started, error)
        client.close()

    threads = [threading.Thread(target=requests_client, args=(n,), daemon=True) for n in range(args.concurrency)]
    threads += [threading.Thread(target=award_client, args=(n,), daemon=True) for n in range(award_clients)]
    cpu_before = load_cpu.sample(parts)
    try:
        for thread in threads:
            thread.start()
        time.sleep(max(0.0, end - time.monotonic()))
        cpu_after = load_cpu.sample(parts)
        for thread in threads:
            thread.join()
    finally:
        stop.set()
    phase.cpu = load_cpu.cores_used(cpu_before, cpu_after)
    return phase
