"""In-app notifications, each person's choice of what they receive, and the e-mail sent for each."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CREDENTIAL_AWARDED = "credential_awarded", _("A credential was awarded to me")
    EVIDENCE_REVIEWED = "evidence_reviewed", _("My evidence was reviewed")
    SHARE_LINK_VIEWED = "share_link_viewed", _("Someone opened one of my share links")
    CREDENTIAL_EXPIRING = "credential_expiring", _("One of my credentials is about to expire")
    EVALUATION_REQUESTED = "evaluation_requested", _("An evaluation is requested from me")
    DESIGN_AWAITING_REVIEW = "design_awaiting_review", _("A design awaits my review")
    CODESIGN_INVITATION = "codesign_invitation", _("My organization is invited to co-design")


class Notification(models.Model):
    """One message to one person; its text is rendered when it is created, in their language."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True, default="")
    url = models.CharField(_("link"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # False when the person chose e-mail only for this kind: the row exists for its e-mail, not for the list.
    in_app = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "in_app", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.kind} · {self.title}"


class NotificationPreference(models.Model):
    """A person's choice for one kind; a kind without a row uses the defaults (in the app and by e-mail)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    in_app = models.BooleanField(_("in the app"), default=True)
    email = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class EmailDelivery(models.Model):
    """The e-mail of one notification: sent by a background task, retried a bounded number of times."""

    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="email_delivery")
    status = models.CharField(_("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")

    def __str__(self) -> str:
        return f"{self.notification.recipient} · {self.notification.kind} · {self.status}"
