import gettext
from pathlib import Path

from django.urls import reverse

MO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.mo"
PO = MO.with_suffix(".po")


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


def test_every_message_has_an_english_translation():
    catalog = gettext.GNUTranslations(MO.open("rb"))
    messages = [m for m in catalog._catalog if m and not (isinstance(m, tuple) and m[0] == "")]
    assert len(messages) > 300
    untranslated = [m for m, t in catalog._catalog.items() if m and not t]
    assert untranslated == []
    # The compiled catalogue holds every message of its source (run `make messages`).
    assert _po_msgids() <= {m[0] if isinstance(m, tuple) else m for m in catalog._catalog}


def _po_msgids() -> set[str]:
    ids: set[str] = set()
    current, reading = "", False
    for line in PO.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current, reading = line[7:-1], True
        elif reading and line.startswith('"'):
            current += line[1:-1]
        else:
            if reading and current:
                ids.add(current.encode().decode("unicode_escape").encode("latin-1").decode())
            reading = False
    return ids
