"""Real e-mail backends that fail, for the retry tests (set through settings, nothing of the project is replaced)."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class RefusingBackend(LocmemBackend):
    """An SMTP server that is always down."""

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class FlakyBackend(LocmemBackend):
    """Refuses the first message it is asked to send in a test, then delivers."""

    failures_left = 1

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise smtplib.SMTPDataError(451, b"Try again later")
        return super().send_messages(email_messages)
