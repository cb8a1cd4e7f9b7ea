"""Property-based testing of every API route (issue 21): schemathesis against the OpenAPI documents, over HTTP.

A live server runs with the demo data set (organizations, staff, learners, frameworks, published credentials,
awards and issued credentials); both OpenAPI documents are fetched from it (``/api/v1/openapi.json`` and the
VC-API's ``/vc-api/openapi.json``), and every operation of each is called with generated input, valid for its
schema and not (schemathesis' positive and negative modes), as three callers: a provider's administrator with an
API token of every scope, a learner with one, and nobody. Path parameters are sometimes the real identifiers of
the data (a slug, a credential's id…), so the handlers are reached behind the lookups too. In the PostgreSQL pass
only the token of every scope calls: what differs between the databases is what input does once it reaches the data
(NUL characters, integer ranges, lengths, collation), which that caller reaches everywhere; the other two callers'
cases end at the same permission checks on both databases.

Checks, for every response: no server error (5xx), and every 4xx is the API's JSON error body, an object with a
``code`` and a ``message`` (only outside ``/api/``, the site's own 401/403/404/405/429 pages may be something
else). The run is bounded: a few examples per operation and caller, no shrinking, within a few minutes on two
cores; it prints how many operations and cases ran. ``MICROCRED_FUZZ_EXAMPLES=N`` changes the examples per operation
for the token caller (default 16; the others run a third of that): ``make fuzz`` looks harder (64, every caller, on
SQLite), outside ``make test``, whose time the generation of cases dominates (schemathesis drawing them costs more CPU
than the server answering them).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
from django.db import connection
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup

from microcred.accounts.models import ApiToken, Organization, User
from microcred.accounts.services import create_api_token
from microcred.accounts.throttling import DEFAULT_RATES

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

EXAMPLES = int(os.environ.get("MICROCRED_FUZZ_EXAMPLES", "16"))
TIMEOUT = 30
DOCUMENTS = {"api": "/api/v1/openapi.json", "vc-api": "/vc-api/openapi.json"}
SITE_PAGE_STATUSES = {401, 403, 404, 405, 429}  # answered by the site outside /api/ (Django's own pages)


def error_body_problem(status: int, content: bytes, path: str) -> str | None:
    """What is wrong with a 4xx answer that is not a JSON object with a ``code`` and a ``message``, or None."""
    if not 400 <= status < 500 or (not path.startswith("/api/") and status in SITE_PAGE_STATUSES):
        return None
    try:
        body = json.loads(content)
    except ValueError:
        return f"{status} answer is not JSON: {content[:200]!r}"
    if not isinstance(body, dict) or not isinstance(body.get("code"), str) or not isinstance(body.get("message"), str):
        return f"{status} answer has no code and message: {content[:200]!r}"
    return None


def json_error_body(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis check: a 4xx answer is the API's JSON error body, as its clients are promised."""
    problem = error_body_problem(response.status_code, response.content, case.path)
    assert problem is None, problem
    return None


@dataclass
class Caller:
    name: str
    headers: dict[str, str]
    examples: int
    token_id: int | None = None


@dataclass
class Tally:
    operations: Counter = field(default_factory=Counter)
    cases: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    failures: dict[tuple[str, str], str] = field(default_factory=dict)


def _known_path_values() -> dict[str, list[str]]:
    """Real identifiers of the demo data, by the path parameter names that take them."""
    from microcred.assessment.models import Enrolment
    from microcred.catalog.models import MicroCredential, Pathway
    from microcred.frameworks.models import Competency, Framework
    from microcred.issuing.models import IssuedCredential

    credentials = list(MicroCredential.objects.all()[:20])
    frameworks = list(Framework.objects.all()[:10])
    organizations = [organization.slug for organization in Organization.objects.all()]
    values: dict[str, list[Any]] = {
        "slug": organizations
        + [credential.slug for credential in credentials]
        + [framework.slug for framework in frameworks]
        + [pathway.slug for pathway in Pathway.objects.all()[:5]],
        "provider": organizations,
        "version": sorted({str(credential.version) for credential in credentials} | {f.version for f in frameworks}),
        "credential_id": [credential.pk for credential in credentials],
        "enrolment_id": [enrolment.pk for enrolment in Enrolment.objects.all()[:20]],
        "public_id": [issued.public_id for issued in IssuedCredential.objects.all()[:10]],
        "identifier": [competency.identifier for competency in Competency.objects.all()[:10]],
        "member_id": [user.pk for user in User.objects.all()[:10]],
    }
    return {name: [str(value) for value in found if value not in (None, "")] for name, found in values.items() if found}


def _strategy(operation: Any, known: dict[str, list[str]]) -> st.SearchStrategy:
    """Generated cases of one operation: positive and negative, and with the data's real path parameters."""
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    strategies = [operation.as_strategy(generation_mode=mode) for mode in modes]
    names = [parameter.name for parameter in operation.path_parameters]
    real = {name: st.sampled_from(known[name]) for name in names if name in known}
    if real:
        for mode in modes:
            strategies.append(
                st.fixed_dictionaries(real).flatmap(
                    lambda values, mode=mode: operation.as_strategy(generation_mode=mode, path_parameters=values)
                )
            )
    return st.one_of(strategies)


def _fuzz_operation(operation: Any, strategy: Any, base_url: str, caller: Caller, tally: Tally) -> None:

    @hypothesis_settings(
        max_examples=caller.examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: failures are recorded, not raised
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        if caller.token_id is not None:  # a generated DELETE /tokens/{id} may hit the caller's own token
            ApiToken.objects.filter(pk=caller.token_id).update(revoked_at=None)
        # A new connection per request: on a kept-alive one, each small request waits out the delayed ACK (~40 ms).
        response = case.call(base_url=base_url, headers=caller.headers, timeout=TIMEOUT)
        tally.cases[caller.name] += 1
        tally.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error, json_error_body])
        except FailureGroup as failures:
            tally.failures.setdefault((operation.label, type(failures.exceptions[0]).__name__), str(failures))
        except AssertionError as failure:
            tally.failures.setdefault((operation.label, "assertion"), str(failure))

    run()


@pytest.fixture
def fuzz_callers(settings: Any) -> list[Caller]:
    from microcred.demo.loader import load_demo

    settings.MICROCRED_THROTTLES = {scope: "1000000/60" for scope in DEFAULT_RATES}  # 429s would hide the rest
    load_demo()
    accounts = [("provider-admin", "amira.haddad@grandriver.example", EXAMPLES)]
    if connection.vendor == "postgresql":  # the token of every scope only: see the module's docstring
        callers = []
    else:
        callers = [Caller("anonymous", {}, max(1, EXAMPLES // 3))]
        accounts.append(("learner", "maya.singh@learner.example", max(1, EXAMPLES // 3)))
    for name, email, examples in accounts:
        user = User.objects.get(email=email)
        token, secret = create_api_token(user=user, name="fuzz", scopes=["read", "write", "issue", "admin"])
        callers.append(Caller(name, {"Authorization": f"Bearer {secret}"}, examples, token.pk))
    return callers


def test_every_operation_of_both_openapi_documents_survives_generated_input(live_server, fuzz_callers) -> None:
    started = time.monotonic()
    tally = Tally()
    known = _known_path_values()
    for document, path in DOCUMENTS.items():
        schema = schemathesis.openapi.from_url(f"{live_server.url}{path}", timeout=TIMEOUT)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert operations, document
        for operation in operations:
            tally.operations[document] += 1
            strategy = _strategy(operation, known)
            for caller in fuzz_callers:
                _fuzz_operation(operation, strategy, live_server.url, caller, tally)
    elapsed = time.monotonic() - started
    print(
        f"\nAPI fuzzing: {dict(tally.operations)} operations, {sum(tally.cases.values())} cases "
        f"{dict(tally.cases)}, statuses {dict(sorted(tally.statuses.items()))}, {elapsed:.0f} s"
    )
    report = "\n\n".join(f"== {label} ({kind})\n{text}" for (label, kind), text in sorted(tally.failures.items()))
    assert not tally.failures, f"{len(tally.failures)} failing operations:\n{report}"


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def test_every_route_answers_an_undeclared_method_and_an_unrouted_path_in_json(live_server) -> None:
    """What generated input inside the documents never sends: a method a route does not have (405 with ``Allow``, on
    both APIs), and below ``/api/`` a path parameter holding a ``/``, which no route matches (404)."""
    failures = []
    probes = 0
    for document, path in DOCUMENTS.items():
        paths = requests.get(f"{live_server.url}{path}", timeout=TIMEOUT).json()["paths"]
        for template, operations in paths.items():
            declared = {method.upper() for method in operations}
            undeclared = next(method for method in METHODS if method not in declared)
            response = requests.request(undeclared, f"{live_server.url}{template}", timeout=TIMEOUT)
            probes += 1
            if response.status_code != 405 or set(response.headers.get("Allow", "").split(", ")) != declared:
                failures.append(f"{undeclared} {template}: {response.status_code} {response.headers.get('Allow')}")
            problem = error_body_problem(response.status_code, response.content, "/api/")  # JSON on both APIs
            if problem:
                failures.append(f"{undeclared} {template}: {problem}")
            if document == "api" and "{" in template:
                url = live_server.url + re.sub(r"\{[^}]+\}", "a%2Fb", template)
                response = requests.request(next(iter(declared)), url, timeout=TIMEOUT)
                probes += 1
                problem = error_body_problem(response.status_code, response.content, template)
                if response.status_code != 404 or problem:
                    failures.append(f"{url}: {response.status_code} {problem}")
    print(f"\nAPI probes: {probes} requests")
    assert failures == []
