"""The offers' search documents again, now with their texts in other languages and their topics'
names in every language (services.derive.search_document): a reader finds an offer by words of
their language, also an offer translated before."""

from django.db import migrations


def refresh(apps, schema_editor):
    from passgenau.apps.directory.services.derive import search_document, topic_search_names

    Service = apps.get_model("directory", "Service")
    services = (
        Service.objects.select_related("organization")
        .prefetch_related("topics", "texts")
        .order_by("pk")
    )
    batch = []
    for service in services.iterator(chunk_size=2000):
        service.search_document = search_document(
            service,
            organization_name=service.organization.name if service.organization else "",
            topic_names=topic_search_names(service.topics.all()),
            texts=[part for t in service.texts.all() for part in (t.name, t.description)],
        )
        batch.append(service)
        if len(batch) == 2000:
            Service.objects.bulk_update(batch, ["search_document"])
            batch = []
    Service.objects.bulk_update(batch, ["search_document"])


class Migration(migrations.Migration):
    dependencies = [("directory", "0011_search_filter_indexes")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
