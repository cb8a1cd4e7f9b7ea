from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OAuthConfig(AppConfig):
    name = "microcred.oauth"
    label = "oauth"
    verbose_name = _("Authorization server")
