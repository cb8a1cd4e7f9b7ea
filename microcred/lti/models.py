"""LTI 1.3 Advantage, tool side: the platforms (LMSs) a provider registered, the tool's own RSA keys (private part
encrypted at rest), LMS users linked to microcred users by their stable ``sub``, and courses (contexts) linked to
a micro-credential with their line items mapped to the plan's components."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization
from microcred.catalog.models import MicroCredential


class Platform(models.Model):
    """One registration of microcred with an LMS: its issuer and the client id the LMS gave microcred."""

    provider = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="lti_platforms")
    name = models.CharField(_("name"), max_length=120)
    issuer = models.CharField(_("issuer"), max_length=255)
    client_id = models.CharField(_("client id"), max_length=255)
    deployment_ids = models.JSONField(_("deployment ids"), default=list)
    auth_login_url = models.URLField(_("authentication request URL"), max_length=500)
    auth_token_url = models.URLField(_("access token URL"), max_length=500)
    auth_audience = models.CharField(_("token audience"), max_length=500, blank=True, default="")
    key_set_url = models.URLField(_("public keyset URL"), max_length=500, blank=True, default="")
    key_set = models.JSONField(_("public keys (JWKS)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_platform_issuer_client")]

    def __str__(self) -> str:
        return self.name


class ToolKey(models.Model):
    """An RSA key pair of the tool. The newest active key signs; retired keys are no longer published."""

    kid = models.CharField(max_length=64, unique=True)
    public_jwk = models.JSONField()
    private_key = models.BinaryField()  # PKCS#8 PEM, encrypted with issuing.keystore (Fernet)
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)  # a newer key signs; this one is still published
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"LTI tool key {self.kid}"


class LtiUser(models.Model):
    """An LMS user (the id_token's ``sub`` at one platform) and the microcred user they are."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="users")
    sub = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_links")
    # False when the platform's e-mail matched an account that existed before: the person signs in once with it
    # before a launch signs them in (a platform cannot take over an account by claiming its e-mail address)
    confirmed = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "sub"], name="lti_user_platform_sub")]

    def __str__(self) -> str:
        return f"{self.sub} at {self.platform}"


class Course(models.Model):
    """An LMS course (the launch's context) and the micro-credential an instructor attached to it by Deep Linking;
    the AGS and NRPS endpoints the platform announced in its launches."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="courses")
    context_id = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True, default="")
    credential = models.ForeignKey(
        MicroCredential, on_delete=models.PROTECT, null=True, blank=True, related_name="lti_courses"
    )
    lineitems_url = models.URLField(max_length=500, blank=True, default="")
    memberships_url = models.URLField(max_length=500, blank=True, default="")
    last_launch = models.JSONField(default=dict, blank=True)  # service claims of the latest launch, for syncs
    synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "context_id"], name="lti_course_context")]

    def __str__(self) -> str:
        return self.title or self.context_id

    @property
    def provider(self) -> Organization:
        return self.platform.provider


class LineItemMap(models.Model):
    """A line item of the course's gradebook and the plan component its scores become results of."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="line_items")
    line_item_id = models.URLField(max_length=500)
    label = models.CharField(max_length=255, blank=True, default="")
    component = models.ForeignKey(
        "assessment.AssessmentComponent", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "line_item_id"], name="lti_line_item")]

    def __str__(self) -> str:
        return self.label or self.line_item_id


class SyncedScore(models.Model):
    """A score already taken from the platform (its timestamp), so a sync records each new score once."""

    line_item = models.ForeignKey(LineItemMap, on_delete=models.CASCADE, related_name="scores")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(max_digits=9, decimal_places=2)
    platform_timestamp = models.CharField(max_length=64, blank=True, default="")
    evaluation = models.ForeignKey("assessment.Evaluation", on_delete=models.SET_NULL, null=True, related_name="+")
    synced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["line_item", "user"], name="lti_synced_score")]

    def __str__(self) -> str:
        return f"{self.score} for {self.user_id}"
