"""Working-day deadlines: weekends and Vietnamese public holidays do not count."""

from datetime import date

from oversight.complaints.services import due_date
from oversight.complaints.workdays import (
    HOLIDAYS,
    add_working_days,
    is_working_day,
    working_days_between,
)


def test_a_deadline_skips_the_weekend():
    friday = date(2025, 10, 10)
    assert add_working_days(friday, 1) == date(2025, 10, 13)
    assert add_working_days(friday, 3) == date(2025, 10, 15)


def test_a_deadline_skips_tet():
    # Filed on the last working day before Tết Bính Ngọ (14–22/02/2026).
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)


def test_a_deadline_skips_30_april_and_1_may():
    assert add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)


def test_a_deadline_skips_national_day_and_hung_kings():
    assert add_working_days(date(2025, 8, 29), 1) == date(2025, 9, 3)
    assert add_working_days(date(2025, 4, 4), 1) == date(2025, 4, 8)  # 07/04/2025 is a holiday


def test_the_table_covers_2024_to_2027_with_every_fixed_holiday():
    for year in (2024, 2025, 2026, 2027):
        assert date(year, 1, 1) in HOLIDAYS
        assert date(year, 4, 30) in HOLIDAYS
        assert date(year, 9, 2) in HOLIDAYS
    assert date(2027, 5, 3) in HOLIDAYS  # 01/05/2027 is a Saturday: compensatory Monday


def test_working_days_between_counts_both_ways():
    assert working_days_between(date(2025, 10, 10), date(2025, 10, 15)) == 3
    assert working_days_between(date(2025, 10, 15), date(2025, 10, 10)) == -3
    assert not is_working_day(date(2025, 10, 11))


def test_each_state_has_its_configured_deadline(settings):
    settings.COMPLAINT_DAYS_TO_ACCEPT = 2
    settings.COMPLAINT_DAYS_TO_CONCLUDE = 10
    assert due_date("received", date(2025, 10, 10)) == date(2025, 10, 14)
    assert due_date("verifying", date(2025, 10, 10)) == date(2025, 10, 24)
    assert due_date("rejected", date(2025, 10, 10)) is None
