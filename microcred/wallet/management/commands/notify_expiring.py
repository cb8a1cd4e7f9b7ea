"""``microcred manage notify_expiring``: tell holders about their credentials that expire within the days given."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from microcred.wallet.services import EXPIRY_NOTICE, notify_expiring_credentials


class Command(BaseCommand):
    help = "Notify holders of credentials that expire soon (run daily; each credential is announced once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=EXPIRY_NOTICE.days, choices=range(1, 366), metavar="1-365")

    def handle(self, *args: Any, **options: Any) -> None:
        told = notify_expiring_credentials(within=timedelta(days=options["days"]))
        self.stdout.write(f"{told} holder(s) notified")
