"""The bounded retry of transactions that PostgreSQL refused for a conflict."""

from __future__ import annotations

import pytest
from django.db import OperationalError, transaction

from rooms.internal import lock_order

pytestmark = pytest.mark.django_db(transaction=True)


class _Refusal(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _failing(sqlstate, times):
    calls = []

    @lock_order.retrying
    @transaction.atomic
    def work():
        calls.append(1)
        if len(calls) <= times:
            raise OperationalError("refused") from _Refusal(sqlstate)
        return len(calls)

    return work, calls


@pytest.mark.parametrize("sqlstate", ["40001", "40P01"])
def test_a_deadlock_or_serialization_failure_is_tried_again(sqlstate):
    work, _ = _failing(sqlstate, times=2)
    assert work() == 3


def test_it_gives_up_after_a_few_attempts():
    work, calls = _failing("40P01", times=99)
    with pytest.raises(OperationalError):
        work()
    assert len(calls) == lock_order.ATTEMPTS


def test_other_errors_are_not_tried_again():
    work, calls = _failing("08006", times=1)
    with pytest.raises(OperationalError):
        work()
    assert len(calls) == 1


def test_inside_a_transaction_the_outer_one_retries():
    work, calls = _failing("40P01", times=1)
    with pytest.raises(OperationalError), transaction.atomic():
        work()
    assert len(calls) == 1
