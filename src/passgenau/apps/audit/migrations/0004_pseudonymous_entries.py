"""Pseudonymise the entries already in the trail (issue 10, defect 2; docs/adr/0007).

Until now an entry named its object by ``str(obj)`` (a household contact's name) and kept some
free text in ``data`` (reasons, typed user names, file names). This migration rewrites those
entries, once, to what ``log_action`` writes from now on:

- ``object_repr``: the pseudonymous code of households, cases and household contacts (the
  household's reference), ``app.model#pk`` for every other object; entries without an object
  id (lists: "households") keep their label, which is a model's plural name.
- ``data["reason"]``: the reason of a change of a proposal or of a correction of an arrival moves
  to ``relocation.ProposalReason`` (with the entry's actor and time) and the entry keeps its id
  (``reason_id``); any other reason (a decision keeps its own, a freeze of a grant too) becomes
  ``reason_given``. An erasure's reason is a code (``privacy.ErasureReason``) and stays.
- ``data["username"]`` of failed or locked-out log-ins: the account, if there is one, becomes the
  entry's object; the typed text goes.
- ``data["file"]`` / ``data["import"]``: the file's name goes (a measures import keeps the
  format), ``imported: true`` stays.

Everything else (who, when, action, ids, address, the other data) is unchanged. The trail is
not hash-chained, so nothing has to be re-chained; its append-only triggers are lifted for this
migration only, inside its transaction (on PostgreSQL the table stays locked until the commit,
so no other session writes or changes an entry meanwhile), and created again at its end. The
migration cannot be undone: going back leaves the pseudonymised entries as they are.
"""

from pathlib import PurePath

from django.db import migrations

# object type → the field path of its pseudonymous code (as the models' audit_label()).
LABELS = {
    ("relocation", "household"): "reference",
    ("relocation", "householdcontact"): "household__reference",
    ("cases", "case"): "reference",
}
# actions whose reason moves to relocation.ProposalReason, with the reason's kind.
KEPT_REASONS = {
    "relocation.proposal.overridden": "override",
    "relocation.arrival.corrected": "arrival_correction",
}

TRIGGERS_OFF = {
    "postgresql": "DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;",
    "sqlite": "DROP TRIGGER IF EXISTS audit_auditentry_no_update;",
}
TRIGGERS_ON = {
    "postgresql": """
CREATE TRIGGER audit_auditentry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_auditentry_append_only();
""",
    "sqlite": """
CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only (UPDATE refused)');
END;
""",
}


class _Rewriter:
    def __init__(self, apps):
        self.apps = apps
        self.content_types = apps.get_model("contenttypes", "ContentType").objects
        self.users = apps.get_model("accounts", "User").objects
        self.reasons = apps.get_model("relocation", "ProposalReason").objects
        self.proposals = apps.get_model("relocation", "Proposal").objects
        self._types = {}

    def content_type(self, pk):
        if pk not in self._types:
            self._types[pk] = self.content_types.filter(pk=pk).first()
        return self._types[pk]

    def label(self, entry):
        content_type = self.content_type(entry.content_type_id)
        if content_type is None or not entry.object_id:
            return entry.object_repr if content_type is not None else ""
        key = (content_type.app_label, content_type.model)
        generic = f"{key[0]}.{key[1]}#{entry.object_id}"
        path = LABELS.get(key)
        if path is None:
            return generic
        model = self.apps.get_model(*key)
        code = model.objects.filter(pk=entry.object_id).values_list(path, flat=True).first()
        return code or generic

    def kept_reason(self, entry, kind, text):
        content_type = self.content_type(entry.content_type_id)
        if content_type is None or (content_type.app_label, content_type.model) != (
            "relocation",
            "proposal",
        ):
            return None
        if not self.proposals.filter(pk=entry.object_id).exists():
            return None
        given_by = self.users.filter(pk=entry.actor_id).first() if entry.actor_id else None
        reason = self.reasons.create(
            proposal_id=int(entry.object_id), kind=kind, text=text, given_by=given_by
        )
        self.reasons.filter(pk=reason.pk).update(given_at=entry.at)
        return reason.pk

    def rewrite(self, entry):
        """The fields to change on ``entry`` ({} when it is pseudonymous already)."""
        changes = {}
        data = dict(entry.data) if isinstance(entry.data, dict) else {}
        if "reason" in data and not entry.action.endswith(".erased"):
            text = str(data.pop("reason") or "")
            kind = KEPT_REASONS.get(entry.action)
            kept = self.kept_reason(entry, kind, text) if kind and text else None
            if kept is not None:
                data["reason_id"] = kept
            else:
                data["reason_given"] = bool(text)
        if "username" in data:
            typed = str(data.pop("username") or "")
            account = self.users.filter(username=typed).first() if typed else None
            if account is not None and not entry.object_id:
                changes["content_type_id"] = self.content_types.get(
                    app_label="accounts", model="user"
                ).pk
                changes["object_id"] = str(account.pk)
                changes["object_repr"] = f"accounts.user#{account.pk}"
        if "file" in data:
            name = str(data.pop("file") or "")
            if entry.action == "measures.plan.imported":
                data["format"] = PurePath(name).suffix.lstrip(".").lower()
        if "import" in data:
            data.pop("import")
            data["imported"] = True
        if data != entry.data:
            changes["data"] = data
        if "object_repr" not in changes:
            label = self.label(entry)
            if label != entry.object_repr:
                changes["object_repr"] = label
        return changes


def pseudonymise(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in TRIGGERS_OFF:
        schema_editor.execute(TRIGGERS_OFF[vendor], params=None)
    entries = apps.get_model("audit", "AuditEntry").objects
    rewriter = _Rewriter(apps)
    for entry in entries.order_by("id").iterator(chunk_size=2000):
        changes = rewriter.rewrite(entry)
        if changes:
            entries.filter(pk=entry.pk).update(**changes)
    if vendor in TRIGGERS_ON:
        schema_editor.execute(TRIGGERS_ON[vendor], params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_append_only_triggers"),
        ("relocation", "0002_proposal_reasons"),
        ("cases", "0001_initial"),
        ("accounts", "0005_alter_user_role"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(pseudonymise, migrations.RunPython.noop)]
