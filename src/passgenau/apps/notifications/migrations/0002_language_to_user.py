"""The language of a user's notifications becomes the user's own (``accounts.User.language``),
the one every e-mail of the application is written in: each stored choice is copied there, then
the table goes."""

from django.db import migrations


def copy_to_user(apps, schema_editor):
    Language = apps.get_model("notifications", "Language")
    User = apps.get_model("accounts", "User")
    for user_id, language in Language.objects.values_list("user_id", "language"):
        User.objects.filter(pk=user_id).update(language=language)


def copy_back(apps, schema_editor):
    Language = apps.get_model("notifications", "Language")
    User = apps.get_model("accounts", "User")
    Language.objects.bulk_create(
        Language(user_id=user_id, language=language)
        for user_id, language in User.objects.values_list("pk", "language")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_user_language"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_to_user, copy_back),
        migrations.DeleteModel(name="Language"),
    ]
