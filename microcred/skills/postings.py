"""Job postings read from a CSV or JSON-lines file: every row checked, then all written or none.

A file holds one posting per row (CSV with a header row) or per line (JSON lines), with the fields
``title``, ``text``, ``location``, ``date`` (ISO 8601) and ``employer``. A bad row is refused with
its row number and field (``rows.<n>.<field>``) and a code; nothing is written unless every row is
good. A posting's fingerprint (SHA-256 of title, text, employer and date) makes a re-import add
nothing. The location is normalised to a Canadian province or territory code when it names one
(“Toronto, ON”, “Ontario”, “Montréal, QC”, “Halifax”), else the region stays blank.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from microcred.errors import ErrorList, ValidationFailed
from microcred.frameworks.document import MAX_ERRORS, FileTooLarge, UnreadableFile, check_size, decode_text

MAX_POSTINGS_BYTES = 20 * 1024 * 1024
MAX_LINE_CHARS = 200_000  # one posting; a longer line is refused rather than parsed
MAX_ROWS = 200_000
LIMITS = {"title": 300, "text": 100_000, "location": 200, "employer": 300}
FIELDS = ("title", "text", "location", "date", "employer")

PROVINCES = {
    "AB": ("alberta", "alta"),
    "BC": ("british columbia", "colombie britannique", "b c"),
    "MB": ("manitoba",),
    "NB": ("new brunswick", "nouveau brunswick"),
    "NL": ("newfoundland and labrador", "newfoundland", "terre neuve et labrador", "nfld"),
    "NS": ("nova scotia", "nouvelle ecosse"),
    "NT": ("northwest territories", "territoires du nord ouest", "nwt"),
    "NU": ("nunavut",),
    "ON": ("ontario", "ont"),
    "PE": ("prince edward island", "ile du prince edouard", "pei"),
    "QC": ("quebec", "que", "pq"),
    "SK": ("saskatchewan", "sask"),
    "YT": ("yukon", "yukon territory"),
}
# Cities that name their province when the posting leaves it out (largest first; no ambiguous names).
CITIES = {
    "toronto": "ON", "ottawa": "ON", "mississauga": "ON", "brampton": "ON", "hamilton": "ON", "kitchener": "ON",
    "waterloo": "ON", "london": "", "markham": "ON", "windsor": "ON", "guelph": "ON", "kingston": "ON",
    "sudbury": "ON", "barrie": "ON", "oshawa": "ON", "thunder bay": "ON",
    "montreal": "QC", "laval": "QC", "gatineau": "QC", "sherbrooke": "QC", "trois rivieres": "QC",
    "longueuil": "QC", "levis": "QC", "saguenay": "QC",
    "vancouver": "BC", "surrey": "BC", "burnaby": "BC", "richmond": "", "victoria": "BC", "kelowna": "BC",
    "kamloops": "BC", "nanaimo": "BC", "abbotsford": "BC",
    "calgary": "AB", "edmonton": "AB", "red deer": "AB", "lethbridge": "AB",
    "winnipeg": "MB", "brandon": "MB",
    "regina": "SK", "saskatoon": "SK",
    "halifax": "NS", "dartmouth": "NS", "sydney": "",
    "moncton": "NB", "fredericton": "NB", "saint john": "NB",
    "st john s": "NL", "st johns": "NL", "charlottetown": "PE",
    "whitehorse": "YT", "yellowknife": "NT", "iqaluit": "NU",
}  # fmt: skip
_NAMES = {name: code for code, names in PROVINCES.items() for name in names}
_NON_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class PostingRow:
    title: str
    text: str
    location: str
    region: str
    posted_on: dt.date
    employer: str

    @property
    def fingerprint(self) -> str:
        key = "\x1f".join([self.title, self.text, self.employer, self.posted_on.isoformat()])
        return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _plain(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", without_accents).split())


def region_of(location: str) -> str:
    """The province or territory code a free-text location names, else "" (another country, “Remote”)."""
    parts = [_plain(part) for part in re.split(r"[,;/()|–]", location or "") if part.strip()]
    for part in reversed(parts):  # "Ottawa, Ontario, Canada": the province comes after the city
        upper = part.upper()
        if upper in PROVINCES:
            return upper
        if part in _NAMES:
            return _NAMES[part]
        words = part.split()
        if words and words[-1].upper() in PROVINCES and len(words[-1]) == 2:  # "Toronto ON"
            return words[-1].upper()
    for part in parts:
        if CITIES.get(part):
            return CITIES[part]
    return ""


def _date(value: Any) -> dt.date | None:
    text = str(value or "").strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def check_row(errors: ErrorList, where: str, row: dict[str, Any]) -> PostingRow | None:
    """One posting, checked; its problems go to ``errors`` under ``<where>.<field>``."""
    before = len(errors.errors)
    values: dict[str, str] = {}
    for name in ("title", "text", "location", "employer"):
        raw = row.get(name)
        if raw is not None and not isinstance(raw, str | int | float):
            errors.add(f"{where}.{name}", "invalid", _("This field must be text."))
            continue
        value = " ".join(str(raw).split()) if name != "text" and raw is not None else str(raw or "").strip()
        if "\x00" in value:
            errors.add(f"{where}.{name}", "invalid", _("This field contains NUL characters."))
        elif len(value) > LIMITS[name]:
            errors.add(f"{where}.{name}", "too_long", _("At most %(n)s characters.") % {"n": LIMITS[name]})
        values[name] = value
    for name in ("title", "text"):
        if name in values and not values[name]:
            errors.add(f"{where}.{name}", "required", _("This field is required."))
    posted_on = _date(row.get("date"))
    if not str(row.get("date") or "").strip():
        errors.add(f"{where}.date", "required", _("This field is required."))
    elif posted_on is None or not 1970 <= posted_on.year <= 2100:
        errors.add(f"{where}.date", "invalid_date", _("Give the date as YYYY-MM-DD (ISO 8601)."))
    if len(errors.errors) > before or posted_on is None:
        return None
    return PostingRow(
        title=values["title"],
        text=values["text"],
        location=values.get("location", ""),
        region=region_of(values.get("location", "")),
        posted_on=posted_on,
        employer=values.get("employer", ""),
    )


def _json_rows(text: str) -> list[tuple[str, dict[str, Any]]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"rows.{number}"
        if len(line) > MAX_LINE_CHARS:
            raise ValidationFailed.single(
                where, "line_too_long", _("This line is longer than %(n)s characters.") % {"n": MAX_LINE_CHARS}
            )
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise ValidationFailed.single(where, "malformed_json", _("This line is not valid JSON.")) from exc
        if not isinstance(value, dict):
            raise ValidationFailed.single(where, "not_an_object", _("Each line must be a JSON object."))
        rows.append((where, value))
    return rows


def _csv_rows(text: str) -> list[tuple[str, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().casefold() for name in reader.fieldnames or []]
        missing = [name for name in ("title", "text", "date") if name not in header]
        if missing:
            raise ValidationFailed.single(
                "columns",
                "missing_column",
                _("The file lacks the column(s) %(names)s.") % {"names": ", ".join(missing)},
            )
        reader.fieldnames = header
        rows = []
        for row in reader:
            # CSV rows are numbered by their first line; row 1 is the header
            rows.append((f"rows.{reader.line_num}", {k: v for k, v in row.items() if isinstance(k, str)}))
    except csv.Error as exc:
        raise UnreadableFile(
            _("The CSV file is malformed near line %(line)s: %(reason)s.") % {"line": reader.line_num, "reason": exc},
            code="malformed_csv",
        ) from exc
    return rows


def looks_like_json_lines(data: bytes, filename: str = "") -> bool:
    name = filename.casefold()
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return True
    if name.endswith(".csv"):
        return False
    return data.lstrip()[:1] == b"{"


def parse_postings(data: bytes, *, filename: str = "") -> list[PostingRow]:
    """Every posting of a file, checked (all rows, up to MAX_ERRORS problems reported at once)."""
    check_size(data, MAX_POSTINGS_BYTES)
    text = decode_text(data)
    rows = _json_rows(text) if looks_like_json_lines(data, filename) else _csv_rows(text)
    if not rows:
        raise ValidationFailed.single("file", "empty", _("The file holds no postings."))
    if len(rows) > MAX_ROWS:
        raise FileTooLarge(_("At most %(n)s postings per file.") % {"n": MAX_ROWS})
    errors = ErrorList()
    postings = []
    for where, row in rows:
        posting = check_row(errors, where, row)
        if posting is not None:
            postings.append(posting)
        if len(errors.errors) >= MAX_ERRORS:
            break
    errors.raise_if_any()
    return postings
