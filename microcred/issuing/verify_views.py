"""The public verify page, ``/verify/``: paste, upload or open a link, and read the verdict. No account needed.

Thin: read the input (``verifying``), verify, render. Refused input is shown beside the form with status 400.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from microcred.errors import ValidationFailed
from microcred.issuing import identity, verifying

# The multipart envelope around a file at the size limit; a larger request is refused before it is read.
ENVELOPE_BYTES = 64 * 1024


def _input(request: HttpRequest) -> verifying.Presented | None:
    if request.method == "GET":
        url = request.GET.get("url")
        return verifying.platform_credential(url) if url is not None else None
    upload = request.FILES.get("file")
    if upload is not None:
        return verifying.Presented(verifying.read_upload(upload))
    if request.POST.get("credential", "").strip():
        return verifying.Presented(verifying.read_text(request.POST["credential"]))
    raise ValidationFailed.single("credential", "required", _("Paste a credential, choose a file or give a link."))


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "max_kib": verifying.MAX_INPUT_BYTES // 1024,
        "url": request.GET.get("url", "")[:2000],
        "base_url": identity.public_base_url(),
    }
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > verifying.MAX_INPUT_BYTES + ENVELOPE_BYTES:
        message = _("The file is larger than %(size)s KiB.") % {"size": context["max_kib"]}
        return render(request, "issuing/verify.html", {**context, "errors": {"file": message}}, status=413)
    try:
        item = _input(request)
    except ValidationFailed as error:
        errors = {problem.field: problem.message for problem in error.errors}
        return render(request, "issuing/verify.html", {**context, "errors": errors}, status=400)
    if item is not None:
        context["result"] = verifying.verify_input(
            item.credential, viewer=request.user, channel=verifying.PAGE, presented_by=item.holder_name
        )
    return render(request, "issuing/verify.html", context)
