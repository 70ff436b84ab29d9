import gettext
import re
from pathlib import Path

import pytest
from django.urls import reverse

OVERSIGHT = Path(__file__).resolve().parents[2]
MAIN_MO = OVERSIGHT / "locale" / "en" / "LC_MESSAGES" / "django.mo"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# The shared catalogue, and one per app that keeps its own strings (`make messages` fills both).
CATALOGUES = sorted(OVERSIGHT.glob("**/locale/en/LC_MESSAGES/django.po"))


def test_the_english_switch_translates_the_pages(client, world):
    client.force_login(world.principal)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    home = client.get("/").content.decode()
    assert "Institutions" in home and "Sign out" in home
    assert "Cơ sở giáo dục" not in home
    page = client.get(reverse("registry:institution", args=[world.school_a.pk])).content.decode()
    assert "Managing authority" in page and "Primary" in page


def test_without_a_choice_the_pages_are_vietnamese(client, world):
    client.force_login(world.principal)
    home = client.get("/").content.decode()
    assert "Cơ sở giáo dục" in home and "Sign out" not in home


def test_the_shared_catalogue_is_the_big_one():
    assert len([m for m in _catalog(MAIN_MO) if m]) > 300
    assert MAIN_MO.with_suffix(".po") in CATALOGUES


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(OVERSIGHT)))
def test_every_message_has_an_english_translation(po: Path):
    catalog = _catalog(po.with_suffix(".mo"))
    untranslated = [m for m, t in catalog.items() if m and not t]
    assert untranslated == []
    # The compiled catalogue holds every message of its source (run `make messages`).
    assert _po_msgids(po) <= {m[0] if isinstance(m, tuple) else m for m in catalog}


def _catalog(mo: Path) -> dict:
    return gettext.GNUTranslations(mo.open("rb"))._catalog  # type: ignore[attr-defined]


def _po_msgids(po: Path) -> set[str]:
    ids: set[str] = set()
    current, reading = "", False
    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current, reading = line[7:-1], True
        elif reading and line.startswith('"'):
            current += line[1:-1]
        else:
            if reading and current:
                ids.add(current.encode().decode("unicode_escape").encode("latin-1").decode())
            reading = False
    return ids


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(OVERSIGHT)))
def test_every_translation_keeps_the_placeholders_of_its_message(po: Path):
    catalog = _catalog(po.with_suffix(".mo"))
    mismatched = [
        (m, t)
        for m, t in catalog.items()
        if isinstance(m, str) and m and set(PLACEHOLDER.findall(m)) != set(PLACEHOLDER.findall(t))
    ]
    assert mismatched == []
