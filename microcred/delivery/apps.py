from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "microcred.delivery"
    label = "delivery"
    verbose_name = _("Delivery to wallets")

    def ready(self) -> None:
        from microcred.delivery import authorization

        authorization.register()
