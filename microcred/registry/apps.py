from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "microcred.registry"
    label = "registry"
    verbose_name = _("Credential Registry")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from microcred.catalog.extensions import add_page_panel, set_ctdl_export
        from microcred.catalog.models import MicroCredential
        from microcred.catalog.services import add_new_version_copy
        from microcred.registry import ctdl, services, views

        # The catalog does not know the registry: a version's publication and retirement are read from its saves.
        post_save.connect(services.on_credential_saved, sender=MicroCredential, dispatch_uid="registry.on_saved")
        add_new_version_copy(services.copy_codes)
        add_page_panel(views.registry_panel)
        set_ctdl_export(ctdl.catalog_export)  # the catalog's /ctdl.json and API serve the complete CTDL
