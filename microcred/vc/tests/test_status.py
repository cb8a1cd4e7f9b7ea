import base64
import gzip
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.vc import status
from microcred.vc.errors import LimitExceeded, VCError
from microcred.vc.loader import CREDENTIALS_V2

LIST_URL = "https://example.edu/status/3"
# The encodedList of the examples in W3C Bitstring Status List v1.0: 131,072 clear bits, produced by another
# implementation (its GZIP header differs from ours by one byte).
SPEC_EXAMPLE = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def b64u(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def list_credential(bits: bytes, purpose: str = "revocation", **subject_extra) -> dict:
    credential = status.status_list_credential(id=LIST_URL, issuer="did:example:issuer", bits=bits, purpose=purpose)
    credential["credentialSubject"].update(subject_extra)
    return credential


def entry(index: int, purpose: str = "revocation") -> dict:
    return status.status_entry(list_url=LIST_URL, index=index, purpose=purpose)


def test_the_spec_example_decodes_to_an_empty_list_of_the_minimum_length():
    bits = status.decode_bitstring(SPEC_EXAMPLE)
    assert len(bits) * 8 == status.MIN_ENTRIES == 131_072
    assert not any(bits)


def test_encoding_is_multibase_base64url_of_gzip_and_round_trips():
    bits = bytearray(16384)
    bits[0] = 0b1000_0001
    bits[-1] = 0x01
    encoded = status.encode_bitstring(bytes(bits))
    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded and "/" not in encoded
    assert gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "==")) == bytes(bits)
    assert status.decode_bitstring(encoded) == bytes(bits)
    assert status.encode_bitstring(bytes(bits)) == encoded  # stable: no timestamp in the GZIP header


def test_bit_order_index_zero_is_the_most_significant_bit_of_the_first_byte():
    bits = bytes([0b1000_0000, 0b0000_0001])
    assert status.bit_at(bits, 0) is True
    assert [status.bit_at(bits, i) for i in range(1, 15)] == [False] * 14
    assert status.bit_at(bits, 15) is True
    assert status.with_bit(bytes(2), 9, True) == bytes([0, 0b0100_0000])
    assert status.with_bit(bytes([0xFF]), 7, False) == bytes([0xFE])
    for bad in (-1, 16, True, "1"):
        with pytest.raises(VCError) as caught:
            status.bit_at(bits, bad)
        assert caught.value.code == "status_index_out_of_range"


def test_status_entry_shape():
    assert entry(94567) == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }
    for kwargs in ({"index": -1, "purpose": "revocation"}, {"index": 1, "purpose": "deleted"}):
        with pytest.raises(VCError):
            status.status_entry(list_url=LIST_URL, **kwargs)


def test_status_list_credential_shape_and_minimum_length():
    credential = status.status_list_credential(
        id=LIST_URL,
        issuer={"id": "did:example:issuer", "type": ["Profile"]},
        bits=bytes(16384),
        purpose="suspension",
        valid_from="2026-01-01T00:00:00Z",
        valid_until="2026-02-01T00:00:00Z",
    )
    assert credential["@context"] == [CREDENTIALS_V2]
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["validFrom"] == "2026-01-01T00:00:00Z" and credential["validUntil"] == "2026-02-01T00:00:00Z"
    assert credential["credentialSubject"] == {
        "id": f"{LIST_URL}#list",
        "type": "BitstringStatusList",
        "statusPurpose": "suspension",
        "encodedList": status.encode_bitstring(bytes(16384)),
    }
    assert "proof" not in credential
    with pytest.raises(VCError) as caught:
        status.status_list_credential(id=LIST_URL, issuer="did:example:x", bits=bytes(16383), purpose="revocation")
    assert caught.value.code == "status_list_malformed"


def test_check_entry_reads_the_bit_the_entry_names():
    bits = status.with_bit(bytes(16384), 94567, True)
    credential = list_credential(bits)
    assert status.check_entry(entry(94567), credential) is True
    assert status.check_entry(entry(94566), credential) is False
    assert status.check_entry(entry(94568), credential) is False
    assert status.check_entry(entry(0), credential) is False
    assert status.check_entry(entry(131_071), credential) is False
    # A JSON integer index means the same as its string.
    assert status.check_entry({**entry(0), "statusListIndex": 94567}, credential) is True


def test_a_multi_purpose_list_and_status_size():
    bits = bytes([0b0110_0000]) + bytes(16383)
    credential = list_credential(bits, statusPurpose=["revocation", "message"])
    assert status.check_entry(entry(1, "revocation"), credential) is True
    two_bit = list_credential(bits, purpose="message", statusSize=2)
    message_entry = {**entry(0, "message"), "statusSize": 2}
    assert status.status_value(message_entry, two_bit) == 0b01
    assert status.status_value({**message_entry, "statusListIndex": "1"}, two_bit) == 0b10


@pytest.mark.parametrize(
    ("mutate_entry", "code"),
    [
        (lambda e: e.update(type="StatusListEntryFoo"), "status_entry_malformed"),
        (lambda e: e.pop("statusPurpose"), "status_entry_malformed"),
        (lambda e: e.pop("statusListCredential"), "status_entry_malformed"),
        (lambda e: e.update(statusListIndex="-1"), "status_entry_malformed"),
        (lambda e: e.update(statusListIndex="1e3"), "status_entry_malformed"),
        (lambda e: e.update(statusListIndex="٣"), "status_entry_malformed"),  # an Arabic-Indic digit
        (lambda e: e.update(statusListIndex="9" * 40), "status_entry_malformed"),
        (lambda e: e.update(statusListIndex=True), "status_entry_malformed"),
        (lambda e: e.update(statusListIndex="131072"), "status_index_out_of_range"),
        (lambda e: e.update(statusPurpose="suspension"), "status_purpose_mismatch"),
        (lambda e: e.update(statusListCredential="https://evil.example/list"), "status_list_mismatch"),
        (lambda e: e.update(statusSize=0), "status_entry_malformed"),
        (lambda e: e.update(statusSize=1000), "status_entry_malformed"),
    ],
)
def test_bad_entries_are_refused_with_a_code(mutate_entry, code):
    bad = entry(5)
    mutate_entry(bad)
    with pytest.raises(VCError) as caught:
        status.check_entry(bad, list_credential(bytes(16384)))
    assert caught.value.code == code


@pytest.mark.parametrize(
    "mutate_list",
    [
        lambda c: c.update(type=["VerifiableCredential"]),
        lambda c: c.update(credentialSubject="nope"),
        lambda c: c["credentialSubject"].update(type="SomethingElse"),
        lambda c: c["credentialSubject"].pop("statusPurpose"),
        lambda c: c["credentialSubject"].pop("encodedList"),
        lambda c: c["credentialSubject"].update(encodedList=12),
        lambda c: c["credentialSubject"].update(encodedList="u!!!!"),
        lambda c: c["credentialSubject"].update(encodedList="uH4sI+/AAAA"),
        lambda c: c["credentialSubject"].update(encodedList=b64u(b"not gzip at all")),
        lambda c: c["credentialSubject"].update(encodedList=b64u(gzip.compress(bytes(16384))[:-12])),
        lambda c: c["credentialSubject"].update(encodedList=b64u(gzip.compress(bytes(16384)) + b"trailing")),
        lambda c: c["credentialSubject"].update(encodedList=b64u(zlib.compress(bytes(16384)))),  # zlib, not gzip
    ],
)
def test_bad_list_credentials_are_refused(mutate_list):
    credential = list_credential(bytes(16384))
    mutate_list(credential)
    with pytest.raises(VCError) as caught:
        status.check_entry(entry(5), credential)
    assert caught.value.code == "status_list_malformed"


def test_non_objects_are_refused():
    with pytest.raises(VCError):
        status.check_entry("revoked", list_credential(bytes(16384)))  # type: ignore[arg-type]
    with pytest.raises(VCError):
        status.check_entry(entry(1), ["list"])  # type: ignore[arg-type]


def test_a_gzip_bomb_is_stopped_at_the_cap():
    bomb = gzip.compress(bytes(64 * 1024 * 1024), compresslevel=9)  # 64 MiB of zeros in ~64 KiB
    assert len(bomb) < 100_000
    with pytest.raises(LimitExceeded):
        status.decode_bitstring(b64u(bomb))
    with pytest.raises(LimitExceeded):
        status.decode_bitstring(status.encode_bitstring(bytes(2048)), max_bytes=2047)
    assert status.decode_bitstring(status.encode_bitstring(bytes(2048)), max_bytes=2048) == bytes(2048)
    credential = list_credential(bytes(16384))
    credential["credentialSubject"]["encodedList"] = b64u(bomb)
    with pytest.raises(LimitExceeded):
        status.check_entry(entry(1), credential)


def test_an_overlong_encoded_list_is_refused_before_decoding():
    with pytest.raises(LimitExceeded):
        status.decode_bitstring("u" + "A" * (status.MAX_ENCODED_LENGTH + 1))


def test_a_bare_base64url_list_is_accepted_for_status_list_2021():
    encoded = status.encode_bitstring(status.with_bit(bytes(16384), 3, True))
    bits = status.decode_bitstring(encoded[1:])
    assert status.bit_at(bits, 3)


def test_revocation_list():
    credential_id = "urn:uuid:2e3fd44b-2d4a-4d4f-8c0b-7d3f0b0b0b0b"
    list_entry = {"id": "https://example.edu/revocations", "type": "1EdTechRevocationList"}
    document = {
        "id": "https://example.edu/revocations",
        "revokedCredentials": [{"id": "urn:uuid:other"}, {"id": credential_id, "revocationReason": "Misconduct"}],
    }
    assert status.is_revocation_list_entry(list_entry)
    assert not status.is_revocation_list_entry(entry(1))
    assert status.check_revocation_list(list_entry, document, credential_id) is True
    assert status.revocation_reason(document, credential_id) == "Misconduct"
    assert status.check_revocation_list(list_entry, document, "urn:uuid:not-revoked") is False
    assert status.check_revocation_list(list_entry, {"id": list_entry["id"]}, credential_id) is False

    for bad_entry, bad_document, code in [
        (entry(1), document, "status_entry_malformed"),
        ({"type": "1EdTechRevocationList"}, document, "status_entry_malformed"),
        (list_entry, {**document, "id": "https://evil.example/list"}, "status_list_mismatch"),
        (list_entry, {**document, "revokedCredentials": "all"}, "status_list_malformed"),
        (list_entry, {**document, "revokedCredentials": [{"reason": "x"}]}, "status_list_malformed"),
        (list_entry, [], "status_list_malformed"),
    ]:
        with pytest.raises(VCError) as caught:
            status.check_revocation_list(bad_entry, bad_document, credential_id)
        assert caught.value.code == code


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=1, max_size=4096), st.data())
def test_property_round_trip_and_bit_order(bits, data):
    assert status.decode_bitstring(status.encode_bitstring(bits)) == bits
    index = data.draw(st.integers(min_value=0, max_value=len(bits) * 8 - 1))
    assert status.bit_at(bits, index) == (format(int.from_bytes(bits, "big"), f"0{len(bits) * 8}b")[index] == "1")
    flipped = status.with_bit(bits, index, not status.bit_at(bits, index))
    assert status.bit_at(flipped, index) != status.bit_at(bits, index)
    assert sum(bin(a ^ b).count("1") for a, b in zip(bits, flipped, strict=True)) == 1


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_property_decoding_arbitrary_text_never_crashes(text):
    try:
        status.decode_bitstring(text, max_bytes=4096)
    except VCError as exc:
        assert exc.code in ("status_list_malformed", "limit_exceeded")
