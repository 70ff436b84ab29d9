"""The consent rules' facts the database derives (places without a grant, money collected
without a grant on its day) are exactly what the checks derive from the gathered places,
consents and fees, also at the edge of a local day (the city is UTC+7)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from zoneinfo import ZoneInfo

from oversight.compliance.checks import ungranted_fees, ungranted_places
from oversight.compliance.facts import UngrantedFee, UngrantedPlace, gather
from oversight.compliance.tests.helpers import submitted
from oversight.enrollment.models import ConsentEntry, Enrollment, FeeRecord
from oversight.testing import make_student

CITY = ZoneInfo("Asia/Ho_Chi_Minh")
PARTS = frozenset({"enrollments", "consents", "fees", "ungranted_places", "ungranted_fees"})


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 9, day, hour, minute, tzinfo=CITY)


class Ledger:
    def __init__(self, program):
        self.program, self.seq = program, 0

    def entry(self, student, decision: str, at: datetime) -> ConsentEntry:
        self.seq += 1
        return ConsentEntry.objects.create(
            partition=f"t{self.program.pk}",
            seq=self.seq,
            student=student,
            program=self.program,
            decision=decision,
            channel="portal",
            receipt_code=f"T{self.program.pk:04d}{self.seq:05d}",
            created_at=at,
            prev_hash="0",
            hash=f"t{self.program.pk}-{self.seq}",
        )

    def place(self, student, grant: ConsentEntry, status: str = "active") -> None:
        Enrollment.objects.create(
            student=student, program=self.program, grant=grant, status=status,
            started_at=grant.created_at,
        )  # fmt: skip

    def fee(self, student, on: date) -> FeeRecord:
        return FeeRecord.objects.create(
            student=student, program=self.program, period_start=on, period_end=on, billed=1000,
            collected=1000, collected_on=on,
        )  # fmt: skip


def test_the_database_finds_the_same_ungranted_places_and_fees_as_the_checks(world):
    program = submitted(world, kind="linkage", fee_amount=100_000)
    book = Ledger(program)
    a1, a2 = world.student_a1, world.student_a2
    c = make_student(institution=world.school_a, full_name="Phạm Thu Hà")
    d = make_student(institution=world.school_a, full_name="Lý Văn Tú")
    gone = make_student(institution=world.school_a, full_name="Mai Anh Thư")
    # a1: granted, then withdrawn at 23:30 on 20/09 local time (16:30 UTC, the same day).
    book.place(a1, book.entry(a1, "granted", local(10, 8)))
    book.entry(a1, "withdrawn", local(20, 23, 30))
    paid_before = book.fee(a1, date(2025, 9, 19))
    paid_after = book.fee(a1, date(2025, 9, 20))
    # a2: granted at 00:30 on 21/09 local time, which is still 20/09 in UTC.
    book.place(a2, book.entry(a2, "granted", local(21, 0, 30)))
    paid_early = book.fee(a2, date(2025, 9, 20))
    book.fee(a2, date(2025, 9, 21))
    # c: a paused place started at 00:30 local (the day before in UTC), then declined.
    book.place(c, book.entry(c, "granted", local(15, 0, 30)), status="paused")
    book.entry(c, "declined", local(16, 9))
    # d: declined, and the place has ended: not live, nothing to find.
    book.place(d, book.entry(d, "granted", local(12, 9)), status="ended")
    book.entry(d, "declined", local(13, 9))
    # Money from a student with neither a place nor a decision.
    stray = book.fee(gone, date(2025, 9, 22))

    f = gather([program], settings={}, parts=PARTS)[program.pk]
    assert f.ungranted_places is not None and f.ungranted_fees is not None
    by_hand = dataclasses.replace(f, ungranted_places=None, ungranted_fees=None)

    places = sorted(f.ungranted_places, key=lambda p: p.student_id)
    assert places == sorted(ungranted_places(by_hand), key=lambda p: p.student_id)
    assert places == [
        UngrantedPlace(a1.pk, "Vũ Gia Bảo", date(2025, 9, 10), "withdrawn"),
        UngrantedPlace(c.pk, "Phạm Thu Hà", date(2025, 9, 15), "declined"),
    ]
    fees = sorted(f.ungranted_fees, key=lambda x: x.id)
    assert fees == sorted(ungranted_fees(by_hand), key=lambda x: x.id)
    assert fees == [
        UngrantedFee(paid_after.pk, a1.pk, "Vũ Gia Bảo", 1000, date(2025, 9, 20)),
        UngrantedFee(paid_early.pk, a2.pk, "Đỗ Khánh Linh", 1000, date(2025, 9, 20)),
        UngrantedFee(stray.pk, gone.pk, "", 1000, date(2025, 9, 22)),
    ]
    assert paid_before.pk not in {x.id for x in fees}
