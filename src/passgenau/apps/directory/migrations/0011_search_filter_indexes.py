"""The search's filters by language spoken and by topic answered from an index alone: the offers
speaking a language (code, offer) and those of a topic (term, offer) on the topics' link table,
whose only index by term held no offer, so each match was read from the table."""

from django.db import migrations, models

TOPIC_INDEX = "directory_topic_offers"


class Migration(migrations.Migration):
    dependencies = [("directory", "0010_search_vector")]

    operations = [
        migrations.AddIndex(
            model_name="servicelanguage",
            index=models.Index(fields=["code", "service"], name="directory_language_offers"),
        ),
        migrations.RunSQL(
            f"CREATE INDEX {TOPIC_INDEX} ON directory_service_topics (taxonomyterm_id, service_id)",
            f"DROP INDEX {TOPIC_INDEX}",
        ),
    ]
