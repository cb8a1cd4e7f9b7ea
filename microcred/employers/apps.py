from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "microcred.employers"
    label = "employers"
    verbose_name = _("Employers")

    def ready(self) -> None:
        from microcred.catalog import extensions
        from microcred.employers import catalog_panel, home_sections, services
        from microcred.issuing import verifying

        home_sections.register()
        extensions.add_page_panel(catalog_panel.credential_panel)
        extensions.add_achievement_extension(catalog_panel.add_endorsements)
        verifying.add_listener(services.record_verification)
