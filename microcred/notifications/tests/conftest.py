"""The demo's work-integrated-learning set-up (assessment's fixtures) for the hooks, and the task and e-mail set-up."""

from __future__ import annotations

from typing import Any

import pytest

from microcred.assessment.tests.conftest import evidence_root, wil  # noqa: F401


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
