from django.db import migrations

# RULES.md "Who manages what": the principal organises in-school tutoring (and reports it
# upward); linkage is approved by the school's managing authority; an outside facility by
# the commune where it stands.
ROUTES = {
    "in_school_tutoring": "principal",
    "linkage": "managing_authority",
    "outside_tutoring": "managing_authority",
}


def add_routes(apps, schema_editor):
    ApprovalRoute = apps.get_model("programs", "ApprovalRoute")
    for kind, approver in ROUTES.items():
        ApprovalRoute.objects.update_or_create(kind=kind, defaults={"approver": approver})


def remove_routes(apps, schema_editor):
    apps.get_model("programs", "ApprovalRoute").objects.filter(kind__in=ROUTES).delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]
    operations = [migrations.RunPython(add_routes, remove_routes)]
