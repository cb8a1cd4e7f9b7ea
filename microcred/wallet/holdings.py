"""The learner's imported credentials as ``assessment`` holdings (registered in ``WalletConfig.ready``), and the
pathway check that runs once an import is committed."""

from __future__ import annotations

from microcred.assessment.holdings import (
    IMPORTED,
    Holding,
    achievement_ids_of,
    issuer_of,
    levels_of,
    valid_until_of,
)
from microcred.wallet import summaries
from microcred.wallet.models import ImportedCredential


def imported_holdings(user_id: int) -> list[Holding]:
    """Each credential the learner imported, verified or not (a failed one is listed, so a page can say why)."""
    held = []
    for imported in ImportedCredential.objects.filter(owner_id=user_id).only(
        "public_id", "credential", "report", "verified", "legacy", "name", "issuer_name"
    ):
        document = imported.credential if isinstance(imported.credential, dict) else {}
        issuer, issuer_name = issuer_of(document)
        status = summaries.status_from_report(imported.report or {})
        held.append(
            Holding(
                source=IMPORTED,
                public_id=str(imported.public_id),
                name=imported.name,
                achievement_ids=achievement_ids_of(document),
                issuer=issuer,
                issuer_name=imported.issuer_name or issuer_name,
                # An Open Badges 2.0 assertion has no proof checked here: it never counts towards a stack.
                verified=imported.verified and not imported.legacy,
                revoked=status in (summaries.REVOKED, summaries.SUSPENDED),
                valid_until=valid_until_of(document),
                levels=levels_of(document),
            )
        )
    return held
