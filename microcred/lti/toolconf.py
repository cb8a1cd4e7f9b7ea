"""pylti1p3's tool configuration over the ``Platform`` rows (an issuer may have several client ids), and the
launch-data storage: Django's cache, with the launch's nonce consumed once (a replayed id_token is refused)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from pylti1p3.contrib.django.launch_data_storage.cache import DjangoCacheDataStorage
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from microcred.lti import keys
from microcred.lti.models import Platform


class LaunchRefused(LtiException):
    """A launch or login refused for a stated reason: a stable ``code`` and the HTTP status to answer with."""

    def __init__(self, message: str, *, code: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


def registration_for(platform: Platform) -> Registration:
    key = keys.signing_key()
    registration = Registration()
    registration.set_issuer(platform.issuer).set_client_id(platform.client_id)
    registration.set_auth_login_url(platform.auth_login_url).set_auth_token_url(platform.auth_token_url)
    registration.set_auth_audience(platform.auth_audience or None)
    registration.set_key_set_url(platform.key_set_url or None).set_key_set(platform.key_set or None)
    registration.set_tool_private_key(keys.private_pem(key)).set_tool_public_key(keys.public_pem(key))
    return registration


class ToolConf(ToolConfAbstract):
    """Every registered platform; ``platform`` is the row of the last registration found."""

    def __init__(self) -> None:
        super().__init__()
        self.platform: Platform | None = None

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_platform(self, iss: str, client_id: str | None) -> Platform:
        platforms = Platform.objects.select_related("provider").filter(issuer=iss)
        if not platforms.exists():
            raise LaunchRefused(_("Unknown issuer."), code="unknown_issuer", status=403)
        if client_id:
            platforms = platforms.filter(client_id=client_id)
        platform = platforms.order_by("pk").first()
        if platform is None:
            raise LaunchRefused(_("The audience is not a client id of this issuer."), code="wrong_audience", status=403)
        self.platform = platform
        return platform

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        return registration_for(self.find_platform(iss, None))

    def find_registration_by_params(self, iss: str, client_id: str, *args: Any, **kwargs: Any) -> Registration:
        return registration_for(self.find_platform(iss, client_id))

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return self.find_deployment_by_params(iss, deployment_id, "")

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Deployment | None:
        platform = self.find_platform(iss, client_id or None)
        if deployment_id not in (platform.deployment_ids or []):
            raise LaunchRefused(_("Unknown deployment."), code="unknown_deployment", status=403)
        return Deployment().set_deployment_id(deployment_id)


class LaunchStorage(DjangoCacheDataStorage):
    """The cache, with a way to use a launch's nonce up."""

    def consume(self, key: str) -> bool:
        """Delete ``key``; False if it was no longer there (used already, or expired)."""
        return bool(self._get_cache().delete(self._prepare_key(key)))
