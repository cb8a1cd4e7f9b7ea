import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from microcred.vc import baking
from microcred.vc.errors import LimitExceeded, VCError

SHARED = Path(__file__).resolve().parents[4] / "shared"  # ../shared beside the project

CREDENTIAL = json.loads((SHARED / "standards/vectors/ob3/signed.json").read_text())
JWS = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6a2V5OnoifQ.c2lnbmF0dXJl"
SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<!-- a badge -->\n"
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" data-note="a > b">\n'
    '  <circle cx="5" cy="5" r="4" fill="#c00"/>\n'
    "  <text>Caf\u00e9 &amp; co</text>\n"
    "</svg>\n"
)


def tiny_png(**info) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 0, 0)).save(buffer, format="PNG", **info)
    return buffer.getvalue()


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def code_of(call) -> str:
    with pytest.raises(VCError) as caught:
        call()
    return caught.value.code


# ---------------------------------------------------------------- PNG


def test_png_round_trip_json_and_pillow_reads_the_chunk():
    png = tiny_png()
    baked = baking.bake_png(png, CREDENTIAL)
    assert baking.unbake_png(baked) == CREDENTIAL
    assert baking.unbake(baked) == CREDENTIAL
    image = Image.open(io.BytesIO(baked))
    image.load()
    assert image.size == (4, 4) and image.getpixel((0, 0)) == (200, 0, 0)
    assert json.loads(image.text["openbadgecredential"]) == CREDENTIAL  # an independent PNG reader agrees
    # The chunk is right before IEND, uncompressed, without language tag.
    itxt_at = baked.index(b"iTXt")
    assert baked[itxt_at + 4 :].startswith(b"openbadgecredential\x00\x00\x00\x00\x00{")
    assert baked.endswith(chunk(b"IEND", b""))


def test_png_round_trip_jws_and_rebaking_replaces():
    baked = baking.bake_png(baking.bake_png(tiny_png(), CREDENTIAL), JWS)
    assert baked.count(b"openbadgecredential") == 1
    assert baking.unbake_png(baked) == JWS
    assert baking.unbake(baked) == JWS


def test_png_keeps_other_text_chunks():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_itxt("Description", "a red square")
    baked = baking.bake_png(tiny_png(pnginfo=info), CREDENTIAL)
    assert Image.open(io.BytesIO(baked)).text["Description"] == "a red square"


def test_a_compressed_itxt_chunk_is_still_read():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_itxt("openbadgecredential", json.dumps(CREDENTIAL), zip=True)
    assert baking.unbake_png(tiny_png(pnginfo=info)) == CREDENTIAL


def test_png_without_credential():
    assert code_of(lambda: baking.unbake_png(tiny_png())) == "baking_no_credential"


def test_truncated_and_corrupt_pngs():
    baked = baking.bake_png(tiny_png(), CREDENTIAL)
    for bad in (
        baked[:-1],
        baked[:-12],
        baked[: len(baked) // 2],
        baked[:20],
        baked[:8],
        b"GIF89a" + baked[6:],
        baked + b"trailing",
        baked.replace(b'"OpenBadgeCredential"', b'"OpenBadgeCredentiaL"'),  # CRC no longer matches
        baked[:8] + baked[33:],  # no IHDR
        b"",
    ):
        assert code_of(lambda bad=bad: baking.unbake_png(bad)) == "baking_malformed_image"
    assert code_of(lambda: baking.bake_png(baked[:-5], CREDENTIAL)) == "baking_malformed_image"
    assert code_of(lambda: baking.unbake_png("not bytes")) == "baking_malformed_image"


def test_hostile_png_chunks():
    png = tiny_png()
    before_iend = png[:-12]
    iend = png[-12:]
    itxt = b"openbadgecredential\x00\x00\x00\x00\x00"
    cases = {
        "two credentials": before_iend + chunk(b"iTXt", itxt + b"{}") + chunk(b"iTXt", itxt + b"{}") + iend,
        "not JSON": before_iend + chunk(b"iTXt", itxt + b"hello") + iend,
        "a JSON array": before_iend + chunk(b"iTXt", itxt + b"[1]") + iend,
        "not UTF-8": before_iend + chunk(b"iTXt", itxt + b'{"a":"\xff"}') + iend,
        "deep nesting": before_iend + chunk(b"iTXt", itxt + b"[" * 100_000) + iend,
        "bad flag": before_iend + chunk(b"iTXt", b"openbadgecredential\x00\x07\x00\x00\x00{}") + iend,
        "truncated fields": before_iend + chunk(b"iTXt", b"openbadgecredential\x00\x00") + iend,
        "bad compression": before_iend + chunk(b"iTXt", b"openbadgecredential\x00\x01\x00\x00\x00garbage") + iend,
        "huge length": before_iend + struct.pack(">I", 0xFFFFFFF0) + b"iTXt" + b"x" * 20,
        "bad chunk type": before_iend + chunk(b"i1Xt", b"") + iend,
    }
    for name, bad in cases.items():
        assert code_of(lambda bad=bad: baking.unbake_png(bad)) == "baking_malformed_image", name


def test_a_compression_bomb_in_itxt_is_capped():
    png = tiny_png()
    bomb = zlib.compress(b" " * (64 * 1024 * 1024), 9)
    bad = png[:-12] + chunk(b"iTXt", b"openbadgecredential\x00\x01\x00\x00\x00" + bomb) + png[-12:]
    with pytest.raises(LimitExceeded):
        baking.unbake_png(bad)


def test_oversized_inputs():
    with pytest.raises(LimitExceeded):
        baking.unbake_png(baking.PNG_SIGNATURE + bytes(baking.MAX_IMAGE_BYTES))
    with pytest.raises(LimitExceeded):
        baking.bake_png(tiny_png(), {"big": "x" * (baking.MAX_CREDENTIAL_BYTES + 1)})
    for bad in ("not a jws", 42, ["list"], "a.b.c.d"):
        assert code_of(lambda bad=bad: baking.bake_png(tiny_png(), bad)) == "credential_malformed"


# ---------------------------------------------------------------- SVG


def test_svg_round_trip_json_keeps_the_rest_byte_for_byte():
    baked = baking.bake_svg(SVG, CREDENTIAL)
    assert isinstance(baked, str)
    assert baking.unbake_svg(baked) == CREDENTIAL
    assert baking.unbake(baked.encode()) == CREDENTIAL
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in baked
    assert "<openbadges:credential><![CDATA[{" in baked
    element_start = baked.index("<openbadges:credential>")
    element_end = baked.index("</openbadges:credential>") + len("</openbadges:credential>")
    without = baked[:element_start] + baked[element_end:]
    assert without == SVG.replace(
        'data-note="a > b">', 'data-note="a > b" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
    )


def test_svg_round_trip_jws_rebaking_replaces_and_bytes_stay_bytes():
    baked = baking.bake_svg(baking.bake_svg(SVG.encode(), CREDENTIAL), JWS)
    assert isinstance(baked, bytes)
    assert baked.count(b"openbadges:credential") == 2  # one start tag, one end tag
    assert f'<openbadges:credential verify="{JWS}"></openbadges:credential>'.encode() in baked
    assert baking.unbake_svg(baked) == JWS
    assert baked.count(b"xmlns:openbadges") == 1


def test_svg_with_cdata_terminator_inside_the_credential():
    credential = {**CREDENTIAL, "name": "tricky ]]> name"}
    assert baking.unbake_svg(baking.bake_svg(SVG, credential)) == credential


def test_svg_forms_written_by_others():
    other = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        f'<openbadges:credential verify="{JWS}"/><rect/></svg>'
    )
    assert baking.unbake_svg(other) == JWS
    rebaked = baking.bake_svg(other, CREDENTIAL)
    assert baking.unbake_svg(rebaked) == CREDENTIAL and rebaked.count("xmlns:openbadges") == 1
    plain_text = (
        '<svg xmlns="http://www.w3.org/2000/svg"><ob:credential xmlns:ob="https://purl.imsglobal.org/ob/v3p0">'
        + json.dumps({"id": "urn:x", "a": "<&>"}).replace("&", "&amp;").replace("<", "&lt;")
        + "</ob:credential></svg>"
    )
    assert baking.unbake_svg(plain_text) == {"id": "urn:x", "a": "<&>"}
    empty_root = baking.bake_svg('<svg xmlns="http://www.w3.org/2000/svg"/>', JWS)
    assert baking.unbake_svg(empty_root) == JWS


def test_svg_without_credential():
    assert code_of(lambda: baking.unbake_svg(SVG)) == "baking_no_credential"
    ob2 = SVG.replace("<circle", '<openbadges:assertion xmlns:openbadges="http://openbadges.org" verify="x"/><circle')
    assert code_of(lambda: baking.unbake_svg(ob2)) == "baking_no_credential"


ENTITY_BOMB = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
    "<openbadges:credential>&d;</openbadges:credential></svg>"
)


@pytest.mark.parametrize(
    "svg",
    [
        ENTITY_BOMB,
        '<!DOCTYPE svg SYSTEM "file:///etc/passwd"><svg xmlns="http://www.w3.org/2000/svg"/>',
        '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
        '<svg xmlns="http://www.w3.org/2000/svg"/>',
        '<svg xmlns="http://www.w3.org/2000/svg">&undefined;</svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><g></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"></svg><svg/>',
        '<html xmlns="http://www.w3.org/1999/xhtml"/>',
        '<svg xmlns="urn:not-svg"/>',
        "",
        "not xml at all",
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        "<openbadges:credential>{}</openbadges:credential><openbadges:credential>{}</openbadges:credential></svg>",
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        "<openbadges:credential><openbadges:credential>{}</openbadges:credential></openbadges:credential></svg>",
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        '<openbadges:credential verify="not a jws"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        "<openbadges:credential>[1, 2]</openbadges:credential></svg>",
    ],
)
def test_hostile_svgs_are_refused(svg):
    assert code_of(lambda: baking.unbake_svg(svg)) == "baking_malformed_image"


def test_hostile_svgs_are_not_baked_either():
    assert code_of(lambda: baking.bake_svg(ENTITY_BOMB, CREDENTIAL)) == "baking_malformed_image"
    conflicting = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="urn:other"/>'
    assert code_of(lambda: baking.bake_svg(conflicting, CREDENTIAL)) == "baking_malformed_image"
    assert code_of(lambda: baking.unbake_svg(b"<svg>\xff</svg>")) == "baking_malformed_image"
    assert code_of(lambda: baking.unbake_svg(42)) == "baking_malformed_image"
    with pytest.raises(LimitExceeded):
        baking.unbake_svg("<svg>" + " " * baking.MAX_IMAGE_BYTES + "</svg>")
