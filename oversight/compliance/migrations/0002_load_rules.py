from django.db import migrations


def load(apps, schema_editor):
    from oversight.compliance.rulepacks import load_pack, read_pack

    load_pack(read_pack(), apps=apps)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
