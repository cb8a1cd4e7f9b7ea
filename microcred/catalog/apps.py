from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "microcred.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from microcred.catalog import facet_index, home_sections
        from microcred.catalog.alignments import usages
        from microcred.catalog.demand_markers import refresh_demand_markers
        from microcred.catalog.services import add_new_version_copy
        from microcred.catalog.suggestions import copy_rejections
        from microcred.frameworks.selectors import add_usage_provider
        from microcred.skills.interfaces import DEMAND_CHANGED

        home_sections.register()
        facet_index.listen()
        add_usage_provider(usages)
        add_new_version_copy(copy_rejections)
        if refresh_demand_markers not in DEMAND_CHANGED:
            DEMAND_CHANGED.append(refresh_demand_markers)
