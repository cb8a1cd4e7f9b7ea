"""What a credential offers once it leaves the wallet: its verification link, "Add to LinkedIn profile", share
buttons, the holder's name on a share link's page, and the names of downloaded files.

Reads only; nothing here writes. The holder is named only on a link whose holder chose to be named.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from microcred.issuing import identity
from microcred.issuing.models import IssuedCredential
from microcred.wallet import summaries
from microcred.wallet.models import ShareLink

LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"
LINKEDIN_SHARE = "https://www.linkedin.com/sharing/share-offsite/"
X_SHARE = "https://x.com/intent/post"


def credential_url(credential: IssuedCredential) -> str:
    """The credential's own public address (``/credentials/<id>``): the signed document."""
    return identity.public_base_url() + reverse("issuing:credential", args=[credential.public_id])


def verification_url(target: str) -> str:
    """The platform's verify page, opening ``target`` (a credential's or a share link's address)."""
    return f"{identity.public_base_url()}{reverse('issuing:verify')}?{urlencode({'url': target})}"


def holder_name(link: ShareLink) -> str:
    """The name a share link's page shows for its holder: their name when they chose to be named, else ""."""
    if not link.show_name:
        return ""
    owner = link.owner
    return (owner.display_name or "").strip()[:150]


@dataclass(frozen=True)
class ShareButton:
    label: str
    url: str


def linkedin_add_url(summary: summaries.Summary, *, cert_url: str, cert_id: str) -> str:
    """LinkedIn's documented "Add to profile" link for a certification, filled in from the credential."""
    params = {"startTask": "CERTIFICATION_NAME", "name": summary.name, "organizationName": summary.issuer_name}
    issued = summary.valid_from_at
    if issued is not None:
        params |= {"issueYear": str(issued.year), "issueMonth": str(issued.month)}
    until = summary.valid_until_at
    if until is not None:
        params |= {"expirationYear": str(until.year), "expirationMonth": str(until.month)}
    params |= {"certUrl": cert_url, "certId": cert_id}
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(params, quote_via=quote)}"


def share_buttons(url: str, title: str) -> list[ShareButton]:
    """Links that open each network's own share dialog (no script of theirs is loaded here)."""
    return [
        ShareButton("LinkedIn", f"{LINKEDIN_SHARE}?{urlencode({'url': url})}"),
        ShareButton("X", f"{X_SHARE}?{urlencode({'url': url, 'text': title})}"),
        ShareButton(_("E-mail"), f"mailto:?{urlencode({'subject': title, 'body': url}, quote_via=quote)}"),
    ]


def file_stem(name: str, when: datetime | None) -> str:
    """A download's name: the credential's title, slugified, and its date (``welding-safety-2026-03-01``)."""
    stem = slugify(name)[:80].strip("-") or "credential"
    return f"{stem}-{timezone.localtime(when):%Y-%m-%d}" if when is not None else stem


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the exact name in RFC 6266's ``filename*`` (RFC 5987)."""
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "") or "credential"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
