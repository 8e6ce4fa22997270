"""Writing to the audit trail. Services call ``log_action`` for every change of personal data,
selectors call ``log_read`` for every read of it.

The trail holds pseudonymous ids and codes only (docs/adr/0007): an object is named by its type
and primary key (``relocation.proposal#12``), or by the pseudonymous code its model gives in
``audit_label()`` (a household's ``H-7KQ3-M9TA``); never by ``str(obj)``, which for personal
objects is a name. ``data`` holds ids, codes, dates, numbers and field names: never names,
contact data or text a user typed (a reason stays on its domain object; the entry says that one
was given)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

from .context import current_ip
from .models import AuditEntry

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Actor

__all__ = ["entries_delete_before", "log_action", "log_read", "object_label"]


def _actor_fields(actor: Actor) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_repr": ""}
    return {"actor": actor, "actor_repr": actor.get_username()[:150]}


def object_label(obj: models.Model) -> str:
    """The pseudonymous name of ``obj`` in the trail: the code of ``obj.audit_label()`` where the
    model has one (it must return a pseudonymous code, never a name), else ``app.model#pk``."""
    own = getattr(obj, "audit_label", None)
    label = own() if callable(own) else f"{obj._meta.label_lower}#{obj.pk}"
    return str(label)[:200]


def _object_fields(obj: models.Model | None) -> dict[str, Any]:
    if obj is None:
        return {"content_type": None, "object_id": "", "object_repr": ""}
    return {
        "content_type": ContentType.objects.get_for_model(obj, for_concrete_model=False),
        "object_id": str(obj.pk),
        "object_repr": object_label(obj),
    }


def log_action(
    action: str,
    *,
    actor: Actor,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one entry: ``actor`` did ``action`` (``"<app>.<entity>.<verb>"``) to ``obj``.

    The client address defaults to the one of the request being served.
    """
    return AuditEntry.objects.create(
        action=action,
        ip_address=ip_address if ip_address is not None else current_ip.get(),
        data=data or {},
        **_actor_fields(actor),
        **_object_fields(obj),
    )


def log_read(
    *,
    actor: Actor,
    obj: models.Model | None = None,
    objects: Iterable[models.Model] | None = None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEntry | None:
    """Record that ``actor`` saw personal data: one object, or a list of them (one entry with
    their IDs). A list that turned out empty is not logged."""
    if (obj is None) == (objects is None):
        raise ValueError("log_read needs exactly one of obj= or objects=")
    if obj is not None:
        label = obj._meta.label_lower
        return log_action(f"{label}.read", actor=actor, obj=obj, data=data, ip_address=ip_address)
    items = list(objects or [])
    if not items:
        return None
    model = type(items[0])
    return AuditEntry.objects.create(
        action=f"{model._meta.label_lower}.list",
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_repr=str(model._meta.verbose_name_plural)[:200],
        ip_address=ip_address if ip_address is not None else current_ip.get(),
        data={**(data or {}), "ids": [str(item.pk) for item in items]},
        **_actor_fields(actor),
    )


def entries_delete_before(*, before: dt.datetime, apply: bool = True) -> int:
    """Delete the entries written before ``before``: the retention job's (docs/privacy.md), the
    one deletion the trail allows. Returns how many (only counted when ``apply`` is False)."""
    count = AuditEntry.objects.filter(at__lt=before).count()
    if apply and count:
        table = connection.ops.quote_name(AuditEntry._meta.db_table)
        with transaction.atomic(), connection.cursor() as cursor:
            postgresql = connection.vendor == "postgresql"
            if postgresql:  # the append-only trigger lets this DELETE through, and only this
                cursor.execute("SELECT set_config('passgenau.audit_retention', 'on', true)")
            cursor.execute(f"DELETE FROM {table} WHERE at < %s", [before])  # noqa: S608 (our name)
            if postgresql:
                cursor.execute("SELECT set_config('passgenau.audit_retention', 'off', true)")
    return count
