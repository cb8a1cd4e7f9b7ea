"""A small Credential Engine Registry Assistant on loopback, for the tests: a real HTTP server that enforces the
request and response formats written down in the README ("Publishing to the Credential Registry").

- ``POST /assistant/credential/publishGraph`` only; anything else is 404.
- ``Authorization: ApiToken <key>``: another scheme or key is ``401`` with ``{"Successful": false, "Messages": [...]}``.
- The body is a ``GraphContentRequest``: ``PublishForOrganizationIdentifier`` (the organization's CTID, which must
  be one this registry knows and the graph's owner), ``GraphInput`` with the CTDL ``@context`` and an ``@graph``
  whose first node is a credential with a CTID, ``@id`` = the resources URL of that CTID, a name and description
  as language maps, a subject webpage and a status. A malformed request is answered ``200`` with
  ``Successful: false`` and the reasons, as the Assistant does; an unreadable body is ``400``.
- A success is ``{"Successful": true, "CTID", "RegistryEnvelopeIdentifier", "GraphUrl", "EnvelopeUrl", "Messages"}``;
  publishing a CTID again replaces the stored resource (an update).
- ``fail_next`` makes it answer ``503`` that many times first (a registry that is down).
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CTDL_CONTEXT = "https://credreg.net/ctdl/schema/context/json"
CTID = re.compile(r"^ce-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
RESOURCES = "https://sandbox.credentialengineregistry.org/resources/"
CREDENTIAL_TYPES = {"ceterms:MicroCredential", "ceterms:Certificate", "ceterms:DigitalBadge", "ceterms:Badge"}


class LocalRegistry:
    def __init__(self, api_key: str, organization_ctid: str) -> None:
        self.api_key = api_key
        self.organization_ctid = organization_ctid
        self.resources: dict[str, dict[str, Any]] = {}
        self.history: list[tuple[str, str]] = []  # (ctid, "created" | "updated")
        self.requests = 0
        self.fail_next = 0
        self.lock = threading.Lock()
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._answer(404, {"Successful": False, "Messages": ["Not found."]})

            def do_POST(self) -> None:
                status, body = registry.handle(
                    self.path,
                    dict(self.headers),
                    self.rfile.read(min(int(self.headers.get("Content-Length") or 0), 4 * 1024 * 1024)),
                )
                self._answer(status, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def netloc(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    @property
    def url(self) -> str:
        return f"http://{self.netloc}/assistant"

    def start(self) -> LocalRegistry:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.requests += 1
            if path != "/assistant/credential/publishGraph":
                return 404, {"Successful": False, "Messages": ["Not found."]}
            if self.fail_next > 0:
                self.fail_next -= 1
                return 503, {"Successful": False, "Messages": ["The registry is down for maintenance."]}
            if headers.get("Authorization") != f"ApiToken {self.api_key}":
                return 401, {"Successful": False, "Messages": ["Error - a valid API key is required (ApiToken)."]}
            if not headers.get("Content-Type", "").startswith("application/json"):
                return 400, {"Successful": False, "Messages": ["Error - send application/json."]}
            try:
                request = json.loads(raw)
            except ValueError:
                return 400, {"Successful": False, "Messages": ["Error - the body is not JSON."]}
            problems = self.check(request)
            if problems:
                return 200, {"Successful": False, "Messages": problems, "CTID": "", "Payload": ""}
            node = request["GraphInput"]["@graph"][0]
            ctid = node["ceterms:ctid"]
            self.history.append((ctid, "updated" if ctid in self.resources else "created"))
            self.resources[ctid] = node
            envelope = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{ctid}/{len(self.history)}"))
            return 200, {
                "Successful": True,
                "WasChanged": True,
                "Messages": [],
                "CTID": ctid,
                "RegistryEnvelopeIdentifier": envelope,
                "EnvelopeUrl": f"https://sandbox.credentialengineregistry.org/envelopes/{envelope}",
                "GraphUrl": f"https://sandbox.credentialengineregistry.org/graph/{ctid}",
                "Payload": json.dumps(request["GraphInput"]),
            }

    def check(self, request: Any) -> list[str]:
        if not isinstance(request, dict):
            return ["Error - please provide a valid request."]
        problems = []
        owner = request.get("PublishForOrganizationIdentifier")
        if not isinstance(owner, str) or not CTID.match(owner):
            problems.append("Error - please provide a valid CTID for PublishForOrganizationIdentifier.")
        elif owner != self.organization_ctid:
            problems.append("Error - the API key does not belong to this organization.")
        if request.get("HasLanguageMaps") is not True:
            problems.append("Error - HasLanguageMaps must be true for language-map input.")
        graph = request.get("GraphInput")
        if not isinstance(graph, dict) or graph.get("@context") != CTDL_CONTEXT:
            return [*problems, "Error - please provide a valid Credential request with the JSON Graph."]
        nodes = graph.get("@graph")
        if not isinstance(nodes, list) or not nodes or not isinstance(nodes[0], dict):
            return [*problems, "Error - the @graph is empty."]
        node = nodes[0]
        ctid = node.get("ceterms:ctid")
        if node.get("@type") not in CREDENTIAL_TYPES:
            problems.append("Error - the first node of the graph must be a credential.")
        if not isinstance(ctid, str) or not CTID.match(ctid):
            problems.append("Error - please provide a valid CTID for the Credential.")
        elif (
            node.get("@id") != f"{RESOURCES}{ctid}"
            or graph.get("@id") != f"{RESOURCES.replace('resources', 'graph')}{ctid}"
        ):
            problems.append("Error - @id must be the registry resource of the CTID.")
        for key in ("ceterms:name", "ceterms:description"):
            value = node.get(key)
            if not isinstance(value, dict) or not value or not all(isinstance(v, str) and v for v in value.values()):
                problems.append(f"Error - {key} must be a language map.")
        if not isinstance(node.get("ceterms:subjectWebpage"), str):
            problems.append("Error - a subject webpage is required.")
        owners = [o.get("ceterms:ctid") if isinstance(o, dict) else o for o in node.get("ceterms:ownedBy") or []]
        if owner not in owners and f"{RESOURCES}{owner}" not in owners:
            problems.append("Error - the credential must be owned by the publishing organization.")
        if not isinstance(node.get("ceterms:credentialStatusType"), dict):
            problems.append("Error - a credential status is required.")
        return problems
