"""Loading a rule pack from its data file. Idempotent: loading the same file again changes
nothing; a corrected citation or date in the file is applied to the pack's rules in place; a
new `version` makes a new pack and retires the older ones. Thresholds of the signs of coercion
are created when missing and never overwritten (the department tunes them)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_PACK = DATA / "rules_haiphong.json"


def read_pack(path: Path = DEFAULT_PACK) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def load_pack(data: dict[str, Any], *, apps: Any = None) -> Any:
    """Create or update the pack described by `data`; returns the pack. `apps` is the
    migration state's registry when called from a data migration."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    RulePack = apps.get_model("compliance", "RulePack")
    Rule = apps.get_model("compliance", "Rule")
    SignalThreshold = apps.get_model("compliance", "SignalThreshold")
    pack, _ = RulePack.objects.update_or_create(
        code=data["pack"],
        version=data["version"],
        defaults={"title": data["title"], "settings": data.get("settings", {}), "is_active": True},
    )
    RulePack.objects.filter(code=pack.code).exclude(pk=pack.pk).update(is_active=False)
    for r in data["rules"]:
        applies = r.get("applies_to", {})
        Rule.objects.update_or_create(
            pack=pack,
            code=r["id"],
            defaults={
                "title": r["title"],
                "explanation": r["explanation"],
                "remedy": r.get("remedy", ""),
                "citation_document": r["citation"]["document"],
                "citation_article": r["citation"].get("article", ""),
                "citation_clause": r["citation"].get("clause", ""),
                "regime": r["regime"],
                "effective_from": _day(r.get("effective_from")),
                "effective_to": _day(r.get("effective_to")),
                "severity": r["severity"],
                "kinds": applies.get("kinds", []),
                "levels": applies.get("levels", []),
                "categories": applies.get("categories", []),
                "source": r.get("source", ""),
                "verified": bool(r.get("verified")),
                "check_name": r.get("check", ""),
            },
        )
    for s in data.get("signals", []):
        params = {k: v for k, v in s.items() if k not in ("code", "title", "threshold", "points")}
        SignalThreshold.objects.get_or_create(
            code=s["code"],
            defaults={
                "title": s["title"],
                "threshold": s["threshold"],
                "points": s["points"],
                "params": params,
            },
        )
    return pack
