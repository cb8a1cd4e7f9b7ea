"""Connections from a learner's microcred wallet to another platform's Open Badges 3.0 API (the consumer side): the
client registered there and the tokens it gave, encrypted at rest like issuer keys."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ConnectionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for your consent there")
    CONNECTED = "connected", _("Connected")
    DISCONNECTED = "disconnected", _("Disconnected")


class Connection(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="platform_connections")
    name = models.CharField(max_length=200)  # the other platform's title, from its discovery document
    api_base = models.URLField(max_length=500)  # servers[0].url of the discovery document
    authorization_endpoint = models.URLField(max_length=500)
    token_endpoint = models.URLField(max_length=500)
    client_id = models.CharField(max_length=200)
    client_secret = models.BinaryField(default=b"")  # Fernet-encrypted (issuing.keystore)
    access_token = models.BinaryField(default=b"")  # Fernet-encrypted
    refresh_token = models.BinaryField(default=b"")  # Fernet-encrypted
    expires_at = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(max_length=1000, blank=True, default="")
    status = models.CharField(max_length=16, choices=ConnectionStatus.choices, default=ConnectionStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    last_pulled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} for {self.owner_id}"
