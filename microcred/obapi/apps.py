from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObApiConfig(AppConfig):
    name = "microcred.obapi"
    label = "obapi"
    verbose_name = _("Open Badges 3.0 API")

    def ready(self) -> None:
        from microcred.obapi import scopes

        scopes.register()
