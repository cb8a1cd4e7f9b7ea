"""Status-list bits: every credential gets its own, never reused, in the order the spec reads them."""

from __future__ import annotations

import pytest
from django.db import transaction

from microcred.errors import ValidationFailed
from microcred.issuing.models import STATUS_LIST_SIZE, StatusList
from microcred.issuing.services import allocate_status_index, read_bit

pytestmark = pytest.mark.django_db


def test_indexes_are_a_permutation_that_never_repeats(provider) -> None:
    status_list = None
    seen = set()
    for _ in range(2000):
        with transaction.atomic():
            status_list, index = allocate_status_index(provider, "revocation")
        assert 0 <= index < STATUS_LIST_SIZE
        seen.add(index)
    assert len(seen) == 2000
    assert StatusList.objects.filter(organization=provider).count() == 1
    # The allocation formula is a bijection on the whole list (odd stride, power-of-two size).
    full = {(status_list.stride * n + status_list.offset) % status_list.size for n in range(status_list.size)}
    assert len(full) == STATUS_LIST_SIZE


def test_a_full_list_is_followed_by_a_new_one(provider) -> None:
    with transaction.atomic():
        first, _ = allocate_status_index(provider, "suspension")
    StatusList.objects.filter(pk=first.pk).update(allocated=STATUS_LIST_SIZE)
    with transaction.atomic():
        second, _ = allocate_status_index(provider, "suspension")
    assert second.pk != first.pk and second.allocated == 1
    assert len(bytes(second.bits)) == STATUS_LIST_SIZE // 8


def test_lists_are_per_purpose_and_purposes_are_checked(provider) -> None:
    with transaction.atomic():
        revocation, _ = allocate_status_index(provider, "revocation")
        suspension, _ = allocate_status_index(provider, "suspension")
    assert revocation.pk != suspension.pk
    with pytest.raises(ValidationFailed):
        allocate_status_index(provider, "expiry")


def test_bit_zero_is_the_left_most_bit_of_the_first_byte(provider) -> None:
    with transaction.atomic():
        status_list, _ = allocate_status_index(provider, "revocation")
    status_list.bits = bytes([0b1000_0000, 0b0000_0001]) + bytes(STATUS_LIST_SIZE // 8 - 2)
    assert read_bit(status_list, 0) and not read_bit(status_list, 1)
    assert read_bit(status_list, 15) and not read_bit(status_list, 14)
