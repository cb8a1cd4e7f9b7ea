from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EuropeConfig(AppConfig):
    name = "microcred.europe"
    label = "europe"
    verbose_name = _("European standard elements")

    def ready(self) -> None:
        from microcred.catalog.extensions import add_page_panel
        from microcred.catalog.services import add_new_version_copy, add_publish_check
        from microcred.europe.services import check_before_publication, copy_to_new_version
        from microcred.europe.views import panel

        add_publish_check(check_before_publication)
        add_new_version_copy(copy_to_new_version)
        add_page_panel(panel)
