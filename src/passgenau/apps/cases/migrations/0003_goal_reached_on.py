"""Goals keep the day they were reached (for the measures plan's computed indicators). A goal
reached before keeps the day of its last status change to "reached" in the audit trail, or, where
the trail has none, the day it was created (the earliest it can have been reached)."""

from django.db import migrations, models
from django.utils import timezone


def reached_days(apps, schema_editor):
    Goal = apps.get_model("cases", "Goal")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    goal_type = ContentType.objects.filter(app_label="cases", model="goal").first()
    for goal in Goal.objects.filter(status="reached", reached_on__isnull=True):
        entry = None
        if goal_type is not None:
            entry = (
                AuditEntry.objects.filter(
                    action="cases.goal.status_changed",
                    content_type=goal_type,
                    object_id=str(goal.pk),
                    data__to="reached",
                )
                .order_by("-at", "-id")
                .first()
            )
        goal.reached_on = timezone.localdate(entry.at if entry is not None else goal.created_at)
        goal.save(update_fields=["reached_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_append_only_triggers"),
        ("cases", "0002_housing"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="goal",
            name="reached_on",
            field=models.DateField(blank=True, null=True, verbose_name="reached on"),
        ),
        migrations.RunPython(reached_days, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="goal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("reached_on__isnull", False), ("status", "reached")),
                    models.Q(
                        models.Q(("status", "reached"), _negated=True),
                        ("reached_on__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="goal_reached_has_date",
            ),
        ),
    ]
