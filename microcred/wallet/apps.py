from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalletConfig(AppConfig):
    name = "microcred.wallet"
    label = "wallet"
    verbose_name = _("Wallet")

    def ready(self) -> None:
        from microcred.assessment.holdings import register_holdings_source
        from microcred.issuing.verifying import add_link_reader
        from microcred.wallet.holdings import imported_holdings
        from microcred.wallet.links import read_link

        # assessment may not import wallet: the learner's imports reach `holds` and pathways through this hook.
        register_holdings_source(imported_holdings)
        # issuing may not import wallet either: verify-by-URL opens share links and wallet addresses through this.
        add_link_reader(read_link)
