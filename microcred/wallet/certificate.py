"""A credential's PDF certificate: who earned what, from whom and when, and a QR code to its verification page.

The PDF is a convenience for people: what proves the credential is its signature, which the QR code's page
checks. Made with fpdf2 and its built-in Helvetica, so text is written in Latin-1 (other characters are
replaced, after typographic quotes and dashes are turned into their plain forms).
"""

from __future__ import annotations

from datetime import datetime

import qrcode
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from microcred.wallet import summaries

_PLAIN = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                        "\u00a0": " ", "\u2026": "..."})  # fmt: skip
NAVY = (31, 78, 121)
GOLD = (242, 183, 5)


def _latin1(text: str) -> str:
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def _day(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "DATE_FORMAT") if moment is not None else ""


def certificate_pdf(summary: summaries.Summary, *, holder: str, verify_url: str) -> bytes:
    """An A4 landscape certificate naming ``holder`` and the credential, with ``verify_url`` as text and QR code."""
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(_latin1(summary.name))
    pdf.set_author(_latin1(summary.issuer_name))
    pdf.set_subject(_latin1(_("Certificate of %(name)s") % {"name": summary.name}))
    pdf.set_creator("microcred")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    width = pdf.w
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(2.5)
    pdf.rect(10, 10, width - 20, pdf.h - 20)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(1)
    pdf.rect(15, 15, width - 30, pdf.h - 30)

    def line(text: str, size: int, style: str = "", colour: tuple[int, int, int] = (33, 33, 33)) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.set_text_color(*colour)
        pdf.set_x(25)
        pdf.multi_cell(width - 50, size * 0.55, _latin1(text), align="C")

    pdf.set_y(32)
    line(_("Certificate"), 30, "B", NAVY)
    pdf.ln(6)
    line(_("This certifies that"), 14)
    pdf.ln(3)
    line(holder, 26, "B")
    pdf.ln(3)
    line(_("has earned"), 14)
    pdf.ln(3)
    line(summary.name, 22, "B", NAVY)
    pdf.ln(4)
    line(_("issued by %(issuer)s") % {"issuer": summary.issuer_name}, 14)
    issued, until = _day(summary.valid_from_at), _day(summary.valid_until_at)
    if issued:
        pdf.ln(2)
        dates = _("on %(date)s") % {"date": issued}
        if until:
            dates += " - " + _("valid until %(date)s") % {"date": until}
        line(dates, 12)

    qr = qrcode.make(verify_url, box_size=6, border=2).get_image()
    side = 42
    top = pdf.h - 25 - side
    pdf.image(qr, x=25, y=top, w=side, h=side, alt_text=_latin1(_("QR code of the verification page")))
    pdf.set_xy(25 + side + 6, top + 8)
    pdf.set_font("Helvetica", "B", 11)
    pdf.set_text_color(*NAVY)
    pdf.cell(0, 6, _latin1(_("Verify this credential")))
    pdf.set_xy(25 + side + 6, top + 16)
    pdf.set_font("Helvetica", "", 9)
    pdf.set_text_color(33, 33, 33)
    pdf.multi_cell(width - (25 + side + 6) - 25, 4.5, _latin1(verify_url), link=verify_url)
    pdf.set_xy(25 + side + 6, top + 30)
    pdf.multi_cell(
        width - (25 + side + 6) - 25,
        4.5,
        _latin1(_("Scan the code or open the address: the page checks the credential's signature, issuer and status.")),
    )
    return bytes(pdf.output())
