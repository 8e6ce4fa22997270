from django.db import migrations


def load(apps, schema_editor):
    from passgenau.apps.directory.topics import topics_load

    topics_load(apps.get_model("directory", "Taxonomy"), apps.get_model("directory", "TaxonomyTerm"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
