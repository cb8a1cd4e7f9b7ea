"""Admins see every e-mail delivery, filter the failed ones and send them again."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from microcred.notifications import services
from microcred.notifications.models import EmailDelivery, Notification


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "notification__kind"]
    search_fields = ["notification__recipient__email", "last_error"]
    readonly_fields = ["notification", "status", "attempts", "last_error", "created_at", "sent_at"]
    actions = ["retry"]

    @admin.display(description=_("recipient"))
    def recipient(self, delivery: EmailDelivery) -> str:
        return delivery.notification.recipient.email

    @admin.display(description=_("kind"))
    def kind(self, delivery: EmailDelivery) -> str:
        return delivery.notification.get_kind_display()

    def get_queryset(self, request: HttpRequest) -> QuerySet[EmailDelivery]:
        return super().get_queryset(request).select_related("notification__recipient")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Send the selected e-mails again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[EmailDelivery]) -> None:
        for delivery in queryset:
            services.retry_delivery(actor=request.user, delivery=delivery)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "in_app", "read_at"]
    list_filter = ["kind", "in_app"]
    search_fields = ["recipient__email", "title"]
    readonly_fields = ["recipient", "kind", "title", "body", "url", "created_at", "read_at", "in_app"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
