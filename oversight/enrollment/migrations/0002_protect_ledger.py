"""The database itself refuses to change consent entries (and, on PostgreSQL, to delete them).

SQLite keeps the UPDATE guard only: Django's test flush empties tables with DELETE there. The
keyed hash chain catches whatever a guard cannot (someone dropping the trigger first).
"""

from django.db import migrations

PG_UP = [
    """CREATE OR REPLACE FUNCTION enrollment_ledger_append_only() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'consent ledger entries are append-only';
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER consent_append_only BEFORE UPDATE OR DELETE ON enrollment_consententry
    FOR EACH ROW EXECUTE FUNCTION enrollment_ledger_append_only()""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS consent_append_only ON enrollment_consententry",
    "DROP FUNCTION IF EXISTS enrollment_ledger_append_only()",
]
SQLITE_UP = [
    """CREATE TRIGGER consent_append_only BEFORE UPDATE ON enrollment_consententry
    BEGIN SELECT RAISE(ABORT, 'consent ledger entries are append-only'); END""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS consent_append_only"]


def up(apps, schema_editor):
    pg = schema_editor.connection.vendor == "postgresql"
    for sql in PG_UP if pg else SQLITE_UP:
        schema_editor.execute(sql, params=None)


def down(apps, schema_editor):
    pg = schema_editor.connection.vendor == "postgresql"
    for sql in PG_DOWN if pg else SQLITE_DOWN:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0001_initial")]

    operations = [migrations.RunPython(up, down)]
