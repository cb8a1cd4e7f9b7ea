from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "microcred.skills"
    label = "skills"
    verbose_name = _("Skills")

    def ready(self) -> None:
        from microcred.skills import rankers

        rankers.register()
