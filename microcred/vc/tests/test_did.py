import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import base58
import pytest

from microcred.vc import did
from microcred.vc.errors import ResolutionError
from microcred.vc.keys import Ed25519KeyPair
from microcred.vc.loader import DID_V1, MULTIKEY_V1

SHARED = Path(__file__).resolve().parents[4] / "shared"  # ../shared beside the project

VECTORS = SHARED / "standards/vectors"
KEY_PAIR = json.loads((VECTORS / "w3c-eddsa/TestVectors/keyPair.json").read_text())
W3C_PAIR = Ed25519KeyPair.from_multibase(KEY_PAIR["privateKeyMultibase"])
OB_CONTROLLER = json.loads((VECTORS / "ob3/issuer-565049-controller.json").read_text())
OB_VECTOR = json.loads((VECTORS / "ob3/vector.json").read_text())
MB = W3C_PAIR.public_key_multibase
BAD = "key_type_unsupported"
B58 = base58.b58encode(W3C_PAIR.public_bytes).decode()
X = base64.urlsafe_b64encode(W3C_PAIR.public_bytes).rstrip(b"=").decode()
OB_ISSUER = "https://example.edu/issuers/565049"


def multikey(method_id: str, controller: str, multibase: str = MB) -> dict:
    return {"id": method_id, "type": "Multikey", "controller": controller, "publicKeyMultibase": multibase}


def code_of(call) -> str:
    with pytest.raises(ResolutionError) as caught:
        call()
    return caught.value.code


def offline(**kwargs) -> did.Resolver:
    def no_network(url: str) -> bytes:
        raise AssertionError(f"no network in this test: {url}")

    return did.Resolver(fetch=no_network, **kwargs)


# ---------------------------------------------------------------- did:key


def test_did_key_round_trip_with_the_w3c_vector_key():
    public_multibase = KEY_PAIR["publicKeyMultibase"]
    assert W3C_PAIR.public_key_multibase == public_multibase
    identifier = f"did:key:{public_multibase}"
    document = offline().resolve_document(identifier)
    method_id = f"{identifier}#{public_multibase}"
    assert document == {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": identifier,
        "verificationMethod": [
            {"id": method_id, "type": "Multikey", "controller": identifier, "publicKeyMultibase": public_multibase}
        ],
        "authentication": [method_id],
        "assertionMethod": [method_id],
        "capabilityDelegation": [method_id],
        "capabilityInvocation": [method_id],
    }
    method = offline().resolve_verification_method(W3C_PAIR.did_key_verification_method)
    assert method.id == method_id and method.controller == identifier and method.type == "Multikey"
    assert method.public_key == W3C_PAIR.public_bytes and method.jwt_key == W3C_PAIR.public_bytes
    assert offline().controller_authorizes(identifier, method_id)
    assert not offline().controller_authorizes(identifier, method_id, "keyAgreement")


@pytest.mark.parametrize(
    ("identifier", "code"),
    [
        ("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkOther", "verification_method_not_found"),
        ("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "did_malformed"),  # no fragment: not a key
        ("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme#x", "did_malformed"),  # secp256k1
        ("did:key:notmultibase#notmultibase", "did_malformed"),
        ("did:example:123#key-1", "did_method_unsupported"),
        ("did:jwk:eyJrdHkiOiJPS1AifQ#0", "did_method_unsupported"),
        ("urn:uuid:1234#k", "did_malformed"),
        ("ftp://example.edu/issuer#k", "did_malformed"),
        ("", "did_malformed"),
        ("did:key:z6Mk rJVn#x", "did_malformed"),
        ("https://example.edu/issuer\n#k", "did_malformed"),
        ("https://exämple.edu/issuer#k", "did_malformed"),
        ("did:web:" + "a" * 3000 + "#k", "did_malformed"),
    ],
)
def test_malformed_and_unsupported_identifiers(identifier, code):
    assert code_of(lambda: offline().resolve_verification_method(identifier)) == code


# ---------------------------------------------------------------- did:web mapping


@pytest.mark.parametrize(
    ("identifier", "url"),
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"),
        ("did:web:example.com%3a3000:user:alice", "https://example.com:3000/user/alice/did.json"),
        ("did:web:example.com:organizations:acme", "https://example.com/organizations/acme/did.json"),
    ],
)
def test_did_web_url_mapping(identifier, url):
    assert did.did_web_url(identifier) == url
    assert offline().document_url(identifier + "#key-1") == url


@pytest.mark.parametrize(
    "identifier",
    [
        "did:web:",
        "did:web:example.com/path",
        "did:web:example.com:..:secret",
        "did:web:example.com:a%2Fb",
        "did:web:example.com::x",
        "did:web:-example.com",
        "did:web:example.com%3A99999",
        "did:web:example.com%3A0",
        "did:web:user@example.com",
        "did:web:example.com?query",
    ],
)
def test_did_web_refuses_identifiers_that_do_not_map_to_one_url(identifier):
    assert code_of(lambda: did.did_web_url(identifier)) == "did_malformed"


def test_did_web_through_preset_documents_and_id_check():
    pair = Ed25519KeyPair.from_seed(bytes(range(32)))
    identifier = "did:web:issuer.example:orgs:acme"
    document = {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": identifier,
        "verificationMethod": [
            multikey("#old", identifier),
            multikey(f"{identifier}#new", identifier, pair.public_key_multibase),
        ],
        "assertionMethod": ["#old", f"{identifier}#new"],
    }
    by_url = offline(documents={"https://issuer.example/orgs/acme/did.json": document})
    assert by_url.resolve_verification_method(f"{identifier}#new").public_key == pair.public_bytes
    # Rotation: the old key stays listed, so old credentials keep verifying.
    assert by_url.resolve_verification_method(f"{identifier}#old").public_key == W3C_PAIR.public_bytes
    assert by_url.controller_authorizes(identifier, f"{identifier}#old")
    assert not by_url.controller_authorizes(identifier, f"{identifier}#gone")
    by_did = offline(documents={identifier: document})
    assert by_did.resolve_document(identifier) == document
    impostor = offline(documents={identifier: {**document, "id": "did:web:evil.example"}})
    assert code_of(lambda: impostor.resolve_document(identifier)) == "did_document_mismatch"


# ---------------------------------------------------------------- https controller documents (the OB 3.0 vector)


def test_the_ob3_vector_controller_document():
    resolver = offline(documents={OB_ISSUER: OB_CONTROLLER})
    method = resolver.resolve_verification_method(OB_VECTOR["key"]["id"])
    assert method.public_key == bytes.fromhex(OB_VECTOR["key"]["publicKeyHex"])
    assert method.controller == OB_ISSUER and method.type == "Multikey"
    assert resolver.controller_authorizes(method.controller, method.id, "assertionMethod")
    assert not resolver.controller_authorizes(method.controller, method.id, "authentication")
    assert code_of(lambda: resolver.resolve_verification_method(f"{OB_ISSUER}#z6MkOther")) == (
        "verification_method_not_found"
    )
    # A key is never taken from the fragment alone.
    assert code_of(lambda: resolver.resolve_verification_method(f"{OB_ISSUER}#{MB}")) == "verification_method_not_found"
    moved = offline(documents={OB_ISSUER: {**OB_CONTROLLER, "id": "https://evil.example/x"}})
    assert code_of(lambda: moved.resolve_verification_method(OB_VECTOR["key"]["id"])) == "did_document_mismatch"


@pytest.mark.parametrize(
    ("method", "outcome"),
    [
        ({"type": "Ed25519VerificationKey2020", "publicKeyMultibase": MB}, "ok"),
        ({"type": "Ed25519VerificationKey2018", "publicKeyBase58": B58}, "ok"),
        ({"type": "JsonWebKey2020", "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": X}}, "ok"),
        ({"type": "JsonWebKey2020", "publicKeyJwk": {"kty": "RSA", "n": "AQAB", "e": "AQAB"}}, "jwk"),
        ({"type": "JsonWebKey", "publicKeyJwk": {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}}, "jwk"),
        ({"type": "JsonWebKey2020", "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": X, "d": "AA"}}, BAD),
        ({"type": "JsonWebKey2020", "publicKeyJwk": {"kty": "OKP", "crv": "X25519", "x": X}}, BAD),
        ({"type": "JsonWebKey2020", "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}}, BAD),
        ({"type": "JsonWebKey2020", "publicKeyJwk": "not a key"}, BAD),
        ({"type": "Multikey", "publicKeyMultibase": "zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"}, BAD),
        ({"type": "Multikey", "publicKeyMultibase": 42}, BAD),
        ({"type": "Ed25519VerificationKey2018", "publicKeyBase58": "0OIl"}, BAD),
        ({"type": "EcdsaSecp256k1VerificationKey2019", "publicKeyHex": "02"}, BAD),
        ({"publicKeyMultibase": MB}, BAD),
    ],
)
def test_key_representations(method, outcome):
    url = "https://issuer.example/profile"
    document = {"id": url, "verificationMethod": [{"id": f"{url}#k", "controller": url, **method}]}
    resolver = offline(documents={url: document})
    if outcome == "ok":
        assert resolver.resolve_verification_method(f"{url}#k").public_key == W3C_PAIR.public_bytes
    elif outcome == "jwk":
        resolved = resolver.resolve_verification_method(f"{url}#k")
        assert resolved.public_key == b"" and resolved.jwk == method["publicKeyJwk"] == resolved.jwt_key
    else:
        assert code_of(lambda: resolver.resolve_verification_method(f"{url}#k")) == outcome


def test_a_method_names_its_own_controller():
    url = "https://issuer.example/profile"
    document = {
        "id": url,
        "assertionMethod": [multikey(f"{url}#k", "https://other.example/")],
    }
    method = offline(documents={url: document}).resolve_verification_method(f"{url}#k")
    assert method.controller == "https://other.example/"  # the verifier then asks that controller


def test_fetched_documents_must_be_json_objects():
    for body in (b"[1, 2]", b"\xff\xfe", b"not json", b"[" * 100_000):
        resolver = did.Resolver(fetch=lambda url, body=body: body)
        assert code_of(lambda resolver=resolver: resolver.resolve_document("https://issuer.example/p")) == (
            "resolution_failed"
        )
    too_big = did.Resolver(fetch=lambda url: b" " * 1000, max_bytes=999)
    assert code_of(lambda: too_big.resolve_document("https://issuer.example/p")) == "resolution_too_large"


# ---------------------------------------------------------------- the network, for real, on 127.0.0.1


class Handler(BaseHTTPRequestHandler):
    requests: list[str] = []
    release = threading.Event()
    document: dict = {}

    def log_message(self, *args) -> None:
        pass

    def send(self, status: int, body: bytes, content_type: str = "application/did+json", **headers) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        if self.path == "/.well-known/did.json":
            self.send(200, json.dumps(type(self).document).encode())
        elif self.path == "/big/did.json":
            self.send(200, b'{"id": "' + b"x" * 300_000 + b'"}')
        elif self.path == "/unsized/did.json":  # no Content-Length: the cap applies while reading
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"id": "' + b"x" * 300_000 + b'"}')
            self.close_connection = True
        elif self.path == "/slow/did.json":
            type(self).release.wait(10)
            self.send(200, b"{}")
        elif self.path == "/html/did.json":
            self.send(200, b"<html></html>", "text/html")
        elif self.path == "/missing/did.json":
            self.send(404, b"{}")
        elif self.path == "/redirect/did.json":
            self.send(302, b"", Location="/.well-known/did.json")
        elif self.path == "/redirect-file/did.json":
            self.send(302, b"", Location="file:///etc/passwd")
        elif self.path == "/loop/did.json":
            self.send(302, b"", Location="/loop/did.json")
        else:
            self.send(404, b"")


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    host = f"127.0.0.1:{httpd.server_address[1]}"
    identifier = f"did:web:127.0.0.1%3A{httpd.server_address[1]}"
    Handler.requests = []
    Handler.release = threading.Event()
    Handler.document = {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": identifier,
        "verificationMethod": [multikey(f"{identifier}#key-1", identifier)],
        "assertionMethod": [f"{identifier}#key-1"],
    }
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield host, identifier
    Handler.release.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def test_loopback_is_refused_by_default(server):
    host, identifier = server
    assert code_of(lambda: did.Resolver().resolve_document(identifier)) == "resolution_network_refused"  # https only
    local_http = did.Resolver(allow_http_hosts={host})
    assert code_of(lambda: local_http.resolve_document(identifier)) == "resolution_network_refused"  # loopback
    assert code_of(lambda: local_http.fetch(f"http://{host}/.well-known/did.json")) == "resolution_network_refused"
    assert code_of(lambda: did.Resolver().fetch("https://localhost/did.json")) == "resolution_network_refused"
    assert Handler.requests == []  # refused before connecting


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.1/did.json",
        "https://169.254.169.254/latest/meta-data",  # cloud metadata
        "https://[::1]/did.json",
        "https://[::ffff:127.0.0.1]/did.json",
        "https://0.0.0.0/did.json",
        "https://224.0.0.1/did.json",
        "https://100.64.0.1/did.json",
        "https://user:pass@example.com/did.json",
        "ftp://example.com/did.json",
        "file:///etc/passwd",
        "http://example.com/did.json",
    ],
)
def test_non_public_and_non_https_urls_are_refused_before_connecting(url):
    assert code_of(lambda: did.Resolver().fetch(url)) == "resolution_network_refused"


def test_allowed_local_resolution_and_cache(server):
    host, identifier = server
    resolver = did.Resolver(allow_private=True, allow_http_hosts={host})
    method = resolver.resolve_verification_method(f"{identifier}#key-1")
    assert method.public_key == W3C_PAIR.public_bytes
    assert resolver.controller_authorizes(identifier, f"{identifier}#key-1")
    resolver.resolve_document(identifier)
    assert Handler.requests == ["/.well-known/did.json"]  # three resolutions, one request
    uncached = did.Resolver(allow_private=True, allow_http_hosts={host}, cache_seconds=0)
    uncached.resolve_document(identifier)
    uncached.resolve_document(identifier)
    assert len(Handler.requests) == 3


def test_size_cap(server):
    host, _ = server
    resolver = did.Resolver(allow_private=True, allow_http_hosts={host})
    assert code_of(lambda: resolver.fetch(f"http://{host}/big/did.json")) == "resolution_too_large"
    assert code_of(lambda: resolver.fetch(f"http://{host}/unsized/did.json")) == "resolution_too_large"
    roomy = did.Resolver(allow_private=True, allow_http_hosts={host}, max_bytes=400_000)
    assert len(roomy.fetch(f"http://{host}/big/did.json")) > 300_000


def test_timeout(server):
    host, _ = server
    resolver = did.Resolver(allow_private=True, allow_http_hosts={host}, timeout=0.3)
    assert code_of(lambda: resolver.fetch(f"http://{host}/slow/did.json")) == "resolution_timeout"


def test_content_type_status_and_redirects(server):
    host, identifier = server
    resolver = did.Resolver(allow_private=True, allow_http_hosts={host})
    assert code_of(lambda: resolver.fetch(f"http://{host}/html/did.json")) == "resolution_failed"
    assert code_of(lambda: resolver.fetch(f"http://{host}/missing/did.json")) == "resolution_failed"
    assert json.loads(resolver.fetch(f"http://{host}/redirect/did.json"))["id"] == identifier
    assert code_of(lambda: resolver.fetch(f"http://{host}/redirect-file/did.json")) == "resolution_network_refused"
    assert code_of(lambda: resolver.fetch(f"http://{host}/loop/did.json")) == "resolution_failed"
    assert Handler.requests.count("/loop/did.json") == did.MAX_REDIRECTS + 1


def test_nothing_listens(server):
    resolver = did.Resolver(allow_private=True, allow_http_hosts={"127.0.0.1:9"})
    assert code_of(lambda: resolver.fetch("http://127.0.0.1:9/did.json")) in ("resolution_failed", "resolution_timeout")
