"""Working days in Viet Nam: Monday to Friday, except public holidays (Labour Code 2019,
Art. 112) and the days off the Government declares around them (Tết, 30/4–1/5, 2/9).

The table covers 2024–2027. Holidays falling on a weekend are followed by the compensatory
day off the law gives; for 2027 the Tết days follow the Labour Code's five days (the
Government's bridging days are added when the Ministry of Home Affairs announces them).
"""

from __future__ import annotations

from datetime import date, timedelta


def _span(start: date, end: date) -> set[date]:
    return {start + timedelta(days=i) for i in range((end - start).days + 1)}


HOLIDAYS: frozenset[date] = frozenset(
    {
        # 2024
        date(2024, 1, 1),
        *_span(date(2024, 2, 8), date(2024, 2, 14)),  # Tết Giáp Thìn
        date(2024, 4, 18),  # Giỗ Tổ Hùng Vương (10/3 âm lịch)
        *_span(date(2024, 4, 27), date(2024, 5, 1)),  # 30/4, 1/5 and the declared bridge
        *_span(date(2024, 8, 31), date(2024, 9, 3)),  # Quốc khánh
        # 2025
        date(2025, 1, 1),
        *_span(date(2025, 1, 25), date(2025, 2, 2)),  # Tết Ất Tỵ
        date(2025, 4, 7),  # Giỗ Tổ Hùng Vương
        *_span(date(2025, 4, 30), date(2025, 5, 4)),
        *_span(date(2025, 8, 30), date(2025, 9, 2)),
        # 2026
        date(2026, 1, 1),
        date(2026, 1, 2),
        *_span(date(2026, 2, 14), date(2026, 2, 22)),  # Tết Bính Ngọ
        date(2026, 4, 27),  # Giỗ Tổ falls on Sunday 26/4: the day off moves to Monday
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 9, 1),
        date(2026, 9, 2),
        # 2027
        date(2027, 1, 1),
        *_span(date(2027, 2, 5), date(2027, 2, 10)),  # Tết Đinh Mùi
        date(2027, 4, 16),  # Giỗ Tổ Hùng Vương
        date(2027, 4, 30),
        date(2027, 5, 3),  # 1/5 falls on Saturday
        date(2027, 9, 2),
        date(2027, 9, 3),
    }
)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (the day of receipt does not count)."""
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative if `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for i in range(1, (end - start).days + 1) if is_working_day(start + timedelta(i)))
