"""The wallet's links for verify-by-URL: a share link (a credential's public page) or a wallet credential's address.

Registered into :data:`microcred.issuing.verifying.LINK_READERS` (issuing may not import the wallet). A link with a
password, or one that shares several credentials, is not opened here: the visitor is told to open the link itself.
"""

from __future__ import annotations

from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from microcred.errors import DomainError, ValidationFailed
from microcred.issuing import selectors as issuing_selectors
from microcred.issuing.verifying import Presented
from microcred.wallet import public, selectors, services

FIELD = "url"


def read_link(path: str) -> Presented | None:
    """The credential a wallet link leads to, with the holder's name when the link shows it; None: not ours."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name == "wallet:credential":
        try:
            credential = issuing_selectors.credential_by_public_id(match.kwargs["public_id"])
        except (DomainError, ValueError) as error:
            raise ValidationFailed.single(FIELD, "not_found", _("No credential was issued at this link.")) from error
        return Presented(selectors.signed_form(credential))
    if match.view_name != "wallet:shared":
        return None
    try:
        link = services.shared_link(match.kwargs["token"])
    except DomainError as error:
        raise ValidationFailed.single(FIELD, error.code, str(error.message)) from error
    if link.has_password:
        message = _("This share link is protected by a password: open it and type the password to see it verified.")
        raise ValidationFailed.single(FIELD, "share_password", message)
    issued, imported = list(link.credentials.all()), list(link.imported.all())
    if len(issued) + len(imported) != 1:
        count = len(issued) + len(imported)
        message = ngettext(
            "This link shares %(count)s credential: open it to see it verified.",
            "This link shares %(count)s credentials: open it to see each one verified.",
            count,
        ) % {"count": count}
        raise ValidationFailed.single(FIELD, "share_several", message)
    holder = public.holder_name(link)
    if issued:
        return Presented(selectors.signed_form(issued[0]), holder)
    item = imported[0]
    named = bool(holder) and selectors.names_owner(item.credential, link.owner.email)
    return Presented(bytes(item.raw), holder if named else "")
