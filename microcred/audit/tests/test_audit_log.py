"""The audit log only grows."""

from __future__ import annotations

import pytest

from microcred.audit.models import AppendOnlyError, AuditEntry
from microcred.testing.factories import make_organization

pytestmark = pytest.mark.django_db


def test_entries_cannot_be_changed_or_deleted() -> None:
    make_organization()
    entry = AuditEntry.objects.get()
    entry.action = "something.else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.update(action="x")
    assert AuditEntry.objects.get().action == "organization.create"
