"""The hash chain of the consent ledger, and its verification.

Each entry's `hash` is an HMAC-SHA256, under settings.LEDGER_KEY (kept outside the database),
of a canonical JSON of the entry's facts and its predecessor's hash. Someone who can write to
the database but does not hold the key cannot alter, remove, insert or reorder entries and
recompute a chain that verifies. Heads and anchors add the tail: a partition's head names its
last entry, and an anchor seals every head at one moment.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings

from oversight.enrollment.models import ConsentEntry, LedgerAnchor, LedgerHead

GENESIS = "0" * 64


def _mac(data: bytes) -> str:
    return hmac.new(settings.LEDGER_KEY.encode(), data, hashlib.sha256).hexdigest()


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def entry_payload(e: ConsentEntry) -> bytes:
    """The facts an entry's hash covers, as canonical JSON."""
    facts = {
        "partition": e.partition,
        "seq": e.seq,
        "student": e.student_id,
        "program": e.program_id,
        "disclosure": e.disclosure_id,
        "decision": e.decision,
        "channel": e.channel,
        "actor": e.actor_id,
        "guardian": e.guardian_id,
        "relation": e.relation,
        "child_confirmed": e.child_confirmed,
        "device": e.device_hash,
        "scan": e.scan_sha256,
        "confirms": e.confirms_id,
        "receipt": e.receipt_code,
        "at": _instant(e.created_at),
        "prev": e.prev_hash,
    }
    return json.dumps(facts, sort_keys=True, separators=(",", ":")).encode()


def entry_hash(e: ConsentEntry) -> str:
    return _mac(entry_payload(e))


def anchor_digest(created_at: datetime, heads: dict) -> str:
    body = json.dumps({"at": _instant(created_at), "heads": heads}, sort_keys=True)
    return _mac(body.encode())


@dataclass(frozen=True)
class Problem:
    entry_id: int | None
    partition: str
    seq: int | None
    message: str

    def __str__(self) -> str:
        where = f"mục #{self.entry_id}" if self.entry_id else "sổ"
        pos = f", phân vùng {self.partition}" + (f", số thứ tự {self.seq}" if self.seq else "")
        return f"{where}{pos}: {self.message}"


def _walk(partition: str, entries: Iterator[ConsentEntry]) -> tuple[list[Problem], int, str]:
    """Check one partition's chain; returns its problems (at most the first) and its end."""
    expected_seq, prev = 1, GENESIS
    for e in entries:
        if e.seq != expected_seq:
            what = "thiếu mục" if e.seq > expected_seq else "thứ tự bị đảo hoặc trùng"
            return [Problem(e.pk, partition, e.seq, f"{what} (cần số {expected_seq})")], 0, ""
        if e.prev_hash != prev:
            return (
                [
                    Problem(
                        e.pk,
                        partition,
                        e.seq,
                        "không nối với mục trước (đã bị xóa, chèn hoặc đổi chỗ)",
                    )
                ],
                0,
                "",
            )
        if not hmac.compare_digest(e.hash, entry_hash(e)):
            return [Problem(e.pk, partition, e.seq, "nội dung đã bị sửa")], 0, ""
        expected_seq, prev = e.seq + 1, e.hash
    return [], expected_seq - 1, prev


def verify(partitions: list[str] | None = None) -> list[Problem]:
    """Walk every chain (or the given partitions); the first problem of each partition, in
    partition order. An empty list means the ledger is intact."""
    problems: list[Problem] = []
    heads = {h.partition: h for h in LedgerHead.objects.all()}
    names = sorted(
        set(partitions)
        if partitions is not None
        else set(heads) | set(ConsentEntry.objects.values_list("partition", flat=True).distinct())
    )
    ends: dict[str, tuple[int, str]] = {}
    for name in names:
        rows = ConsentEntry.objects.filter(partition=name).order_by("seq", "pk").iterator(2000)
        found, last_seq, last_hash = _walk(name, rows)
        if found:
            problems.extend(found)
            continue
        ends[name] = (last_seq, last_hash)
        head = heads.get(name)
        if head is None or head.seq != last_seq or head.hash != last_hash:
            problems.append(
                Problem(
                    None,
                    name,
                    last_seq or None,
                    "đầu chuỗi không khớp với mục cuối "
                    "(mục cuối đã bị xóa hoặc thêm ngoài hệ thống)",
                )
            )
    for anchor in LedgerAnchor.objects.order_by("created_at"):
        if not hmac.compare_digest(anchor.digest, anchor_digest(anchor.created_at, anchor.heads)):
            problems.append(
                Problem(
                    None,
                    "*",
                    None,
                    f"dấu niêm phong lúc {anchor.created_at:%d/%m/%Y %H:%M} đã bị sửa",
                )
            )
            continue
        for name, (seq, digest) in anchor.heads.items():
            if partitions is not None and name not in partitions:
                continue
            entry = ConsentEntry.objects.filter(partition=name, seq=seq).only("hash", "pk").first()
            if entry is None or entry.hash != digest:
                problems.append(
                    Problem(
                        entry.pk if entry else None,
                        name,
                        seq,
                        f"không khớp dấu niêm phong lúc {anchor.created_at:%d/%m/%Y %H:%M} "
                        "(mục đã bị xóa hoặc thay)",
                    )
                )
    return problems
