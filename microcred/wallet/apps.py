from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalletConfig(AppConfig):
    name = "microcred.wallet"
    label = "wallet"
    verbose_name = _("Wallet")

    def ready(self) -> None:
        from microcred.assessment.holdings import register_holdings_source
        from microcred.wallet.holdings import imported_holdings

        # assessment may not import wallet: the learner's imports reach `holds` and pathways through this hook.
        register_holdings_source(imported_holdings)
