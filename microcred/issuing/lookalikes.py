"""Issuer names that imitate an organization registered on this platform.

A credential names its issuer itself: anyone can sign one with a fresh key and call the issuer "Grand River
University". The verifier proves keys, not names, so when the signing key is not a registered organization's, it
looks for the registered organization that the credential's name (or its issuer URL) imitates. Names are compared
by their *skeleton*: compatibility-decomposed, accents dropped, common look-alike letters of other scripts folded to
Latin, case-folded, only letters and digits kept; near misses ("Universty", a missing word) count too.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from urllib.parse import parse_qs, urlsplit

from microcred.accounts.models import Organization
from microcred.issuing import identity

# Cyrillic and Greek letters that look like Latin ones, and digits that pass for letters (UTS #39 confusables, the
# ones that matter for names written in Latin script).
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
        "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w",
        "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
        "χ": "x", "0": "o", "1": "l", "|": "l", "$": "s", "@": "a",
    }
)  # fmt: skip
NEAR = 0.9  # SequenceMatcher ratio of two skeletons from which a name passes for another
MIN_LENGTH = 4  # shorter skeletons ("ACME" vs "ACNE") must match exactly


def skeleton(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name[:300])
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return "".join(char for char in bare.translate(_CONFUSABLES) if char.isalnum())


def _alike(claimed: str, registered: str) -> bool:
    if not claimed or not registered:
        return False
    if claimed == registered:
        return True
    if min(len(claimed), len(registered)) <= MIN_LENGTH:
        return False
    return SequenceMatcher(None, claimed, registered, autojunk=False).ratio() >= NEAR


@dataclass(frozen=True)
class Imitation:
    """What an unregistered issuer passes itself off as: a registered organization (by ``name`` or ``url``), or
    this platform itself (``organization`` None: its URL points here but names no organization)."""

    organization: Organization | None
    by: str  # "name" or "url"


def imitation(*, name: str, url: str) -> Imitation | None:
    """The registered organization (or this platform) that an *unregistered* issuer's ``name`` or ``url`` imitates."""
    claimed = skeleton(name)
    if claimed:
        for organization in Organization.objects.only("id", "slug", "name", "kind").iterator():
            if _alike(claimed, skeleton(organization.name)) or _alike(claimed, skeleton(organization.slug)):
                return Imitation(organization, "name")
    own_host = urlsplit(identity.public_base_url()).netloc.lower()
    parts = urlsplit(url)
    if url and own_host and parts.netloc.lower() == own_host:
        slug = _slug_in(parts.path, parts.query)
        return Imitation(Organization.objects.filter(slug=slug).first() if slug else None, "url")
    return None


def _slug_in(path: str, query: str) -> str:
    """The organization slug in this platform's URLs that name one: ``/accounts/organizations/<slug>/``,
    ``/catalog/<provider>/<credential>/``, ``/employers/<slug>/``, ``?provider=<slug>``."""
    provider = parse_qs(query).get("provider", [""])[0]
    if provider:
        return provider[:100]
    parts = [part for part in path.split("/") if part]
    for marker in ("organizations", "catalog", "employers"):
        if marker in parts[:-1]:
            return parts[parts.index(marker) + 1][:100]
    return ""
