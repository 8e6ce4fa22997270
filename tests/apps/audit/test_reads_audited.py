"""Reads of personal data that were not in the audit trail (issue 10, defect 7): the run's
instance download (health needs of every household of the round), the evaluation exports, the
surveys page, and the administrator's view of the trail itself in the admin. (An administrator
setting a password: tests/apps/accounts/test_sessions_end.py.)"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts_helpers import login_client
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.audit.services import log_action
from passgenau.apps.core.models import ProtectedExport
from passgenau.apps.relocation.models import FollowUpSurvey, Household
from relocation_helpers import user
from relocation_matching_helpers import arrived_proposal, published_round

pytestmark = pytest.mark.django_db


def _client(role: str) -> Client:
    return login_client(Client(), user(role))


def test_the_instance_download_is_audited_with_the_households_in_it():
    round_, run = published_round(2)
    coordinator = user("coordinator")
    client = _client("coordinator")
    password = "a long export password"
    response = client.post(
        reverse("relocation:run_export", args=[run.pk]),
        {"password": password, "password_again": password},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="relocation.run.downloaded")
    assert (entry.actor, entry.object_id) == (coordinator, str(run.pk))
    export = ProtectedExport.objects.get(owner=coordinator)
    assert entry.data["export"] == export.pk
    download = client.get(reverse("privacy:protected_export_download", args=[export.token]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    fetched = AuditEntry.objects.get(action="core.protectedexport.downloaded")
    assert (fetched.actor, fetched.object_id) == (coordinator, str(export.pk))
    in_round = Household.objects.filter(round=round_).values_list("pk", flat=True)
    assert sorted(entry.data["ids"]) == sorted(str(pk) for pk in in_round)
    assert entry.data["households"] == 2


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_evaluation_exports_are_audited(fmt):
    proposal = arrived_proposal()
    coordinator = user("coordinator")
    client = _client("coordinator")
    password = "a long export password"
    response = client.post(
        reverse("relocation:evaluation_export"),
        {
            "round": proposal.run.round_id,
            "format": fmt,
            "password": password,
            "password_again": password,
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="relocation.evaluation.exported")
    assert entry.actor == coordinator
    export = ProtectedExport.objects.get(owner=coordinator)
    assert entry.data == {
        "format": fmt,
        "rounds": [proposal.run.round_id],
        "rows": 3,
        "export": export.pk,
    }
    download = client.get(reverse("privacy:protected_export_download", args=[export.token]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    fetched = AuditEntry.objects.get(action="core.protectedexport.downloaded")
    assert (fetched.actor, fetched.object_id) == (coordinator, str(export.pk))


def test_an_unknown_export_format_is_a_form_error_and_not_logged():
    arrived_proposal()
    password = "a long export password"
    response = _client("coordinator").post(
        reverse("relocation:evaluation_export"),
        {"format": "pdf", "password": password, "password_again": password},
    )
    assert response.status_code == 200
    assert "format" in response.context["form"].errors
    assert not AuditEntry.objects.filter(action="relocation.evaluation.exported").exists()
    assert not ProtectedExport.objects.exists()


def test_the_surveys_page_is_audited_with_the_households_shown():
    proposal = arrived_proposal()
    assert FollowUpSurvey.objects.filter(household_id=proposal.household_id).count() == 3
    response = _client("interviewer").get(reverse("relocation:survey_list"))
    assert response.status_code == 200
    assert proposal.household.reference in response.content.decode()
    entry = AuditEntry.objects.get(action="relocation.household.list")
    assert entry.actor == user("interviewer")
    assert entry.data == {"page": "surveys", "ids": [str(proposal.household_id)]}


def test_the_admins_view_of_the_trail_is_audited(administrator_client, administrator_user):
    seen = log_action("x.y.z", actor=None, data={})
    response = administrator_client.get(
        "/admin/audit/auditentry/", {"q": "Andrii Demo-5", "action": "x.y.z"}
    )
    assert response.status_code == 200
    listed = AuditEntry.objects.get(action="audit.auditentry.list")
    assert listed.actor == administrator_user
    # what was searched for is typed text (it may be a name): only that there was a search
    assert listed.data == {"via": "admin", "filters": {"action": "x.y.z"}, "searched": True}
    response = administrator_client.get(f"/admin/audit/auditentry/{seen.pk}/change/")
    assert response.status_code == 200
    read = AuditEntry.objects.get(action="audit.auditentry.read")
    assert (read.actor, read.object_id) == (administrator_user, str(seen.pk))
    assert read.object_repr == f"audit.auditentry#{seen.pk}"
