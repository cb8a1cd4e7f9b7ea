from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "microcred.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from microcred.assessment import home_sections
        from microcred.assessment.services.plans import check_plan_before_publication, copy_plan
        from microcred.assessment.services.stacks import on_trust_changed
        from microcred.catalog.recognition import add_trust_listener
        from microcred.catalog.services import add_new_version_copy, add_publish_check

        home_sections.register()
        add_publish_check(check_plan_before_publication)
        add_new_version_copy(copy_plan)
        add_trust_listener(on_trust_changed)  # a provider's new trust may complete its learners' pathways
