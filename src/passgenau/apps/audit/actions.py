"""Audit actions in words: "funding.grant.approved" reads "Grant: approved" in the reader's
language.

An action code is ``app.thing.event`` (the event may have more parts, "decision.municipality.
accept"). The thing is named by the model of that name when there is one (its verbose name) or by
the table below; each part of the event by the table of events. What neither table knows stays as
the code, so a new action is never hidden, only less readable (a test lists the codes in use).
"""

from __future__ import annotations

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["describe_action", "describe_parts"]

THINGS: dict[str, str | Promise] = {
    "login": _("Log-in"),
    "change": _("Change of an offer"),
    "text": _("Text of an offer"),
    "indicators": _("Indicators"),
    "households": _("Households"),
    "consent": _("Consent"),
    "travel": _("Travel"),
    "arrival": _("Arrival"),
    "import": _("Import"),
    "accounts": _("Accounts"),
    "directory": _("Directory"),
    "proposal": _("Proposal"),
    "profile": _("Municipality profile"),
    "run": _("Matching run"),
    "survey": _("Follow-up survey"),
    "needs": _("Needs record"),
    "retention": _("Removal after the retention periods"),
    "cleanup": _("Daily cleanup"),
    "evaluation": _("Evaluation"),
    "duplicates": _("Likely duplicate offers"),
}

EVENTS: dict[str, str | Promise] = {
    "reproduced": pgettext_lazy("audit event", "reproduced"),
    "merged": pgettext_lazy("audit event", "merged"),
    "distinct": pgettext_lazy("audit event", "marked as distinct"),
    "opened": pgettext_lazy("audit event", "opened"),
    "assigned": pgettext_lazy("audit event", "assigned to a caseworker"),
    "transferred": pgettext_lazy("audit event", "handed over"),
    "given": pgettext_lazy("audit event", "given"),
    "corrected": pgettext_lazy("audit event", "corrected"),
    "agreed": pgettext_lazy("audit event", "agreed"),
    "outcome_recorded": pgettext_lazy("audit event", "outcome recorded"),
    "read": pgettext_lazy("audit event", "read"),
    "list": pgettext_lazy("audit event", "list shown"),
    "created": pgettext_lazy("audit event", "created"),
    "updated": pgettext_lazy("audit event", "changed"),
    "changed": pgettext_lazy("audit event", "changed"),
    "edited": pgettext_lazy("audit event", "changed"),
    "deleted": pgettext_lazy("audit event", "deleted"),
    "saved": pgettext_lazy("audit event", "saved"),
    "action": pgettext_lazy("audit event", "action"),
    "failed": pgettext_lazy("audit event", "failed"),
    "locked_out": pgettext_lazy("audit event", "locked out"),
    "logged_in": pgettext_lazy("audit event", "logged in"),
    "logged_out": pgettext_lazy("audit event", "logged out"),
    "password_changed": pgettext_lazy("audit event", "password changed"),
    "password_set": pgettext_lazy("audit event", "password set by an administrator"),
    "password_reset": pgettext_lazy("audit event", "password reset by e-mail"),
    "totp_enrolled": pgettext_lazy("audit event", "second factor set up"),
    "totp_reset": pgettext_lazy("audit event", "second factor reset"),
    "role_changed": pgettext_lazy("audit event", "role or organisation changed"),
    "invited": pgettext_lazy("audit event", "invited by e-mail"),
    "deactivated": pgettext_lazy("audit event", "deactivated"),
    "password_link_sent": pgettext_lazy("audit event", "password link sent by an administrator"),
    "reactivated": pgettext_lazy("audit event", "reactivated"),
    "invitation_accepted": pgettext_lazy("audit event", "invitation accepted, password set"),
    "applied": pgettext_lazy("audit event", "applied for"),
    "approved": pgettext_lazy("audit event", "approved"),
    "closed": pgettext_lazy("audit event", "closed"),
    "frozen": pgettext_lazy("audit event", "partly frozen"),
    "released": pgettext_lazy("audit event", "freeze released"),
    "paid": pgettext_lazy("audit event", "paid"),
    "payment_planned": pgettext_lazy("audit event", "payment planned"),
    "reported": pgettext_lazy("audit event", "use of funds reported"),
    "allocated": pgettext_lazy("audit event", "allocated"),
    "imported": pgettext_lazy("audit event", "imported"),
    "offered": pgettext_lazy("audit event", "offered by its provider"),
    "registered": pgettext_lazy("audit event", "registered"),
    "recorded": pgettext_lazy("audit event", "recorded"),
    "completed": pgettext_lazy("audit event", "completed"),
    "withdrawn": pgettext_lazy("audit event", "withdrawn"),
    "overridden": pgettext_lazy("audit event", "changed by the coordinator"),
    "published": pgettext_lazy("audit event", "published"),
    "started": pgettext_lazy("audit event", "started"),
    "status_changed": pgettext_lazy("audit event", "status changed"),
    "contact_changed": pgettext_lazy("audit event", "contact changed"),
    "linked": pgettext_lazy("audit event", "linked"),
    "added": pgettext_lazy("audit event", "added"),
    "value_recorded": pgettext_lazy("audit event", "value recorded"),
    "refreshed": pgettext_lazy("audit event", "recomputed"),
    "progress": pgettext_lazy("audit event", "progress reported"),
    "decided": pgettext_lazy("audit event", "decided"),
    "submitted": pgettext_lazy("audit event", "submitted"),
    "issued": pgettext_lazy("audit event", "issued"),
    "confirmed": pgettext_lazy("audit event", "confirmed"),
    "proposed": pgettext_lazy("audit event", "proposed"),
    "approve": pgettext_lazy("audit event", "approved"),
    "reject": pgettext_lazy("audit event", "rejected"),
    "accepted": pgettext_lazy("audit event", "accepted"),
    "declined": pgettext_lazy("audit event", "declined"),
    "superseded": pgettext_lazy("audit event", "superseded"),
    "exported": pgettext_lazy("audit event", "exported"),
    "downloaded": pgettext_lazy("audit event", "downloaded"),
    "erased": pgettext_lazy("audit event", "erased"),
    "municipality": pgettext_lazy("audit event", "by the municipality"),
    "household": pgettext_lazy("audit event", "by the household"),
    "accept": pgettext_lazy("audit event", "accepted"),
    "decline": pgettext_lazy("audit event", "declined"),
    "outcome": pgettext_lazy("audit event", "outcome recorded"),
}


def _thing(app_label: str, name: str) -> str | Promise | None:
    try:
        model = apps.get_model(app_label, name)
    except (LookupError, ValueError):
        return THINGS.get(name)
    return str(model._meta.verbose_name).capitalize()


def describe_parts(action: str) -> tuple[str, list[str], bool]:
    """(thing, events, whether every part was known) of an action code."""
    app_label, _dot, rest = action.partition(".")
    name, _dot, event = rest.partition(".")
    thing = _thing(app_label, name)
    parts = event.split(".") if event else []
    events = [EVENTS.get(part) for part in parts]
    known = thing is not None and bool(events) and all(e is not None for e in events)
    shown_thing = str(thing) if thing is not None else name
    shown_events = [str(e) if e is not None else p for e, p in zip(events, parts, strict=True)]
    return shown_thing, shown_events, known


def describe_action(action: str) -> str:
    """The action in words, or the code itself when it cannot be read."""
    thing, events, known = describe_parts(action)
    if not thing or not events:
        return action
    text = f"{thing}: {' '.join(events)}"
    return text if known else f"{text} ({action})"
