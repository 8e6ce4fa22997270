"""The migration audit 0004 rewrites the entries written before the trail was pseudonymous
(issue 10, defect 2; docs/adr/0007): labels become codes, reasons move to their domain rows,
typed text goes; the append-only triggers are back afterwards."""

from __future__ import annotations

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.relocation.models import HouseholdContact, ProposalReason
from relocation_helpers import user
from relocation_matching_helpers import accepted_proposal

BEFORE = [("audit", "0003_append_only_triggers"), ("relocation", "0001_initial")]
NAME = "Andrii Demo-5"


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def _type(model: str) -> int:
    app_label, name = model.split(".")
    return ContentType.objects.get_by_natural_key(app_label, name).pk


@pytest.mark.django_db(transaction=True)
def test_existing_entries_are_pseudonymised_and_the_trail_stays_append_only():
    proposal = accepted_proposal()
    household = proposal.household
    contact = HouseholdContact.objects.get(household=household)
    HouseholdContact.objects.filter(pk=contact.pk).update(contact_name=NAME)
    coordinator, officer = user("coordinator"), user("municipal_officer")

    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("audit", "AuditEntry")

    def entry(action, obj_type=None, object_id="", label="", actor=None, **data):
        return old.objects.create(
            action=action,
            content_type_id=_type(obj_type) if obj_type else None,
            object_id=str(object_id),
            object_repr=label,
            actor_id=actor.pk if actor else None,
            actor_repr=actor.username if actor else "",
            data=data,
        ).pk

    ids = {
        "contact": entry(
            "relocation.householdcontact.read",
            "relocation.householdcontact",
            contact.pk,
            NAME,
            officer,
            proposal=proposal.pk,
        ),
        "household": entry(
            "relocation.household.read", "relocation.household", household.pk, "Olena"
        ),
        "gone": entry("relocation.household.read", "relocation.household", 999999, "Olena"),
        "list": entry(
            "relocation.household.list", "relocation.household", "", "Haushalte", ids=["1"]
        ),
        "override": entry(
            "relocation.proposal.overridden",
            "relocation.proposal",
            proposal.pk,
            f"{household.reference} → Kiel",
            coordinator,
            reason=f"{NAME} asked by phone",
            exception=[],
        ),
        "correction": entry(
            "relocation.arrival.corrected",
            "relocation.proposal",
            proposal.pk,
            "x",
            officer,
            reason="a typing error",
            surveys_rescheduled=2,
        ),
        "decision": entry(
            "relocation.decision.municipality.decline",
            "relocation.proposal",
            proposal.pk,
            "x",
            officer,
            reason=f"{NAME} owes rent",
            household=household.pk,
        ),
        "known_login": entry("accounts.login.failed", username=officer.username, step="password"),
        "typed_login": entry("accounts.login.failed", username=f"{NAME} secret!", step="password"),
        "imported": entry(
            "relocation.household.registered",
            "relocation.household",
            household.pk,
            "x",
            round=1,
            **{"import": f"Familie {NAME}.csv"},
        ),
        "measures": entry("measures.plan.imported", file=f"Plan {NAME}.XLSX", created=3),
        "erased": entry(
            "relocation.household.erased", "relocation.household", 999998, reason="request"
        ),
    }

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    got = {key: AuditEntry.objects.get(pk=pk) for key, pk in ids.items()}

    assert got["contact"].object_repr == household.reference
    assert got["household"].object_repr == household.reference
    assert got["gone"].object_repr == "relocation.household#999999"
    assert (got["list"].object_repr, got["list"].data) == ("Haushalte", {"ids": ["1"]})
    override = ProposalReason.objects.get(pk=got["override"].data["reason_id"])
    assert (override.kind, override.text, override.given_by) == (
        "override",
        f"{NAME} asked by phone",
        coordinator,
    )
    assert override.given_at == got["override"].at
    assert got["override"].object_repr == f"relocation.proposal#{proposal.pk}"
    assert got["override"].data == {"reason_id": override.pk, "exception": []}
    correction = ProposalReason.objects.get(pk=got["correction"].data["reason_id"])
    assert (correction.kind, correction.text) == ("arrival_correction", "a typing error")
    assert got["decision"].data == {"reason_given": True, "household": household.pk}
    known = got["known_login"]
    assert (known.content_type_id, known.object_id) == (_type("accounts.user"), str(officer.pk))
    assert known.data == {"step": "password"}
    assert (got["typed_login"].object_id, got["typed_login"].data) == ("", {"step": "password"})
    assert got["imported"].data == {"round": 1, "imported": True}
    assert got["measures"].data == {"format": "xlsx", "created": 3}
    assert got["erased"].data == {"reason": "request"}  # a code, not typed text
    for value in got.values():
        text = f"{value.object_repr} {json.dumps(value.data, ensure_ascii=False)}"
        assert "Andrii" not in text and "Olena" not in text and "typing" not in text

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'tampered'")
    assert not AuditEntry.objects.filter(action="tampered").exists()
