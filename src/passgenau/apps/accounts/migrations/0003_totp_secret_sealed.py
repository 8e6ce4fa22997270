"""TOTP secrets are stored encrypted: widen the column and encrypt the secrets already stored."""

from django.db import migrations

import passgenau.apps.accounts.models


def seal_stored_secrets(apps, schema_editor):
    # The field reads a value without the "fernet:" prefix as it is and encrypts what it writes,
    # so reading and writing back every secret encrypts the ones stored before.
    User = apps.get_model("accounts", "User")
    for pk, secret in User.objects.exclude(totp_secret="").values_list("pk", "totp_secret"):
        User.objects.filter(pk=pk).update(totp_secret=secret)


def unseal_stored_secrets(apps, schema_editor):
    # Back to plain text before the column narrows again; written with SQL because the field
    # would encrypt what it writes.
    User = apps.get_model("accounts", "User")
    table = schema_editor.quote_name(User._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        for pk, secret in User.objects.exclude(totp_secret="").values_list("pk", "totp_secret"):
            cursor.execute(f"UPDATE {table} SET totp_secret = %s WHERE id = %s", [secret, pk])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_organisation_territory")]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="totp_secret",
            field=passgenau.apps.accounts.models.SealedCharField(
                blank=True, editable=False, max_length=255, verbose_name="TOTP secret"
            ),
        ),
        migrations.RunPython(seal_stored_secrets, unseal_stored_secrets),
    ]
