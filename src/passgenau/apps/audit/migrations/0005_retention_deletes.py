"""The append-only trigger lets one kind of DELETE through: the retention job's removal of
entries older than their period, which says so for its own transaction
(``SET LOCAL passgenau.audit_retention = 'on'``, in ``services.entries_delete_before``). UPDATE
stays refused for everyone, and so does any other DELETE. SQLite has no DELETE trigger (Django
empties its tables with DELETE between tests); there the model and its manager refuse.
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION audit_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('passgenau.audit_retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
POSTGRES_DOWN = """
CREATE OR REPLACE FUNCTION audit_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no placeholders: "%" is literal

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_pseudonymous_entries")]

    operations = [migrations.RunPython(_run(POSTGRES_UP), _run(POSTGRES_DOWN))]
