"""Changes of offers: providers propose, directory editors decide, every applied change is
written to the offer's HSDS metadata (field, previous and new value, a pseudonymous editor id)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from passgenau.apps.audit.services import log_action

from ..models import (
    CHANGE_TRANSITIONS,
    ChangeRequest,
    ChangeStatus,
    Directory,
    HsdsRecord,
    Organization,
    Service,
    ServiceText,
    TaxonomyTerm,
    german_digest,
)
from .derive import (
    derived_rows_save,
    search_document_refresh,
    service_derive,
    service_texts,
    target_groups,
    topic_search_names,
)

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

__all__ = [
    "EASY_FIELDS",
    "EDITABLE_FIELDS",
    "change_decide",
    "change_propose",
    "german_digest",
    "metadata_add",
    "service_apply",
    "service_confirm",
    "service_text_save",
    "text_write",
]

# field → the HSDS service field it is written to ("" when it lives elsewhere in HSDS)
EDITABLE_FIELDS: dict[str, str] = {
    "name": "name",
    "description": "description",
    "status": "status",
    "email": "email",
    "url": "url",
    "minimum_age": "minimum_age",
    "maximum_age": "maximum_age",
    "free_of_charge": "",  # a cost option of amount 0
    "what_to_bring": "",  # a required document
    "target_groups": "",  # attributes of link_type "target_group"
    "topics": "",  # attributes naming taxonomy terms (codes of the shipped topics or term ids)
    "languages": "",  # languages spoken (codes)
    "easy_name": "",  # the offer's text in Einfache Sprache (a ServiceText of "de")
    "easy_description": "",
}
# the fields of the offer's Einfache Sprache text → the ServiceText column they are written to
EASY_FIELDS = {"easy_name": "name", "easy_description": "description"}
_NAMESPACE = uuid.UUID("a3a7f0f2-1e6b-4a9e-9a55-3c2d8b0e7f11")


def _pseudonym(user: User | None) -> str:
    return f"user:{user.pk}" if user is not None and user.pk else "system"


def metadata_add(
    *,
    service: Service,
    field_name: str,
    previous: str,
    replacement: str,
    action: str,
    actor: User | None,
    today: dt.date | None = None,
    save: bool = True,
) -> HsdsRecord:
    """One entry of the offer's history (HSDS ``metadata``), with a pseudonymous editor id;
    without ``save`` not yet saved (for bulk writes)."""
    metadata_id = str(uuid.uuid4())
    record = HsdsRecord(
        directory=service.directory,
        table="metadata",
        hsds_id=metadata_id,
        service=service,
        data={
            "id": metadata_id,
            "resource_id": service.hsds_id,
            "resource_type": "service",
            "last_action_date": (today or timezone.localdate()).isoformat(),
            "last_action_type": action,
            "field_name": field_name,
            "previous_value": previous,
            "replacement_value": replacement,
            "updated_by": _pseudonym(actor),
        },
    )
    if save:
        record.save()
    return record


def _record_id(service: Service, kind: str, value: str = "") -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{service.hsds_id}/{kind}/{value}"))


def _replace_records(service: Service, table: str, kind: str, rows: list[dict[str, Any]]) -> None:
    """Replace the records this application keeps for ``kind`` (those with our derived ids)."""
    existing = {r.hsds_id: r for r in service.records.filter(table=table)}
    keep = set()
    for row in rows:
        value = str(row.pop("_value", ""))
        hsds_id = _record_id(service, kind, value)
        keep.add(hsds_id)
        row = {"id": hsds_id, **row}
        record = existing.get(hsds_id)
        if record is None:
            HsdsRecord.objects.create(
                directory=service.directory, table=table, hsds_id=hsds_id, data=row, service=service
            )
        elif record.data != row:
            record.data = row
            record.save(update_fields=["data"])
    # records of this kind no longer wanted: ours have predictable ids for every possible value,
    # so anything of the table whose id is one of ours but not kept goes
    for hsds_id, record in existing.items():
        if hsds_id in keep:
            continue
        if _is_ours(service, kind, record):
            record.delete()


def _is_ours(service: Service, kind: str, record: HsdsRecord) -> bool:
    data = record.data
    candidates = {
        "free": [""],
        "bring": [""],
        "target_group": [str(data.get("value", ""))],
        "topic": [str(data.get("taxonomy_term_id", ""))],
        "language": [str(data.get("code", ""))],
    }[kind]
    return record.hsds_id in {_record_id(service, kind, v) for v in candidates}


def _linked_terms(service: Service, records: list[HsdsRecord]) -> dict[str, TaxonomyTerm]:
    """The taxonomy terms (shipped or the directory's) that the attributes among ``records``
    link, by HSDS id."""
    ids = [
        str(r.data["taxonomy_term_id"])
        for r in records
        if r.table == "attributes" and r.data.get("taxonomy_term_id")
    ]
    terms = TaxonomyTerm.objects.filter(
        Q(taxonomy__directory__isnull=True) | Q(taxonomy__directory=service.directory),
        hsds_id__in=ids,
    )
    return {t.hsds_id: t for t in terms}


def _topics_from(values: list[str], directory: Directory) -> list[TaxonomyTerm]:
    # the shipped topics (of no directory) and the directory's own; ``__in`` never matches NULL
    terms = TaxonomyTerm.objects.filter(
        Q(taxonomy__directory__isnull=True) | Q(taxonomy__directory=directory)
    )
    by_key = {}
    for term in terms:
        by_key[term.hsds_id] = term
        if term.code:
            by_key.setdefault(term.code, term)
    unknown = [v for v in values if v not in by_key]
    if unknown:
        raise ValidationError(_("Unknown topics: %(codes)s") % {"codes": ", ".join(unknown)})
    return [by_key[v] for v in values]


def _validate(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(f)s") % {"f": ", ".join(unknown)}
        )
    lo, hi = fields.get("minimum_age"), fields.get("maximum_age")
    if lo is not None and hi is not None and lo > hi:
        raise ValidationError(_("The minimum age is above the maximum age."))
    if "name" in fields and not str(fields["name"]).strip():
        raise ValidationError(_("An offer needs a name."))


@transaction.atomic
def service_apply(
    *, service: Service, fields: dict[str, Any], actor: User, today: dt.date | None = None
) -> Service:
    """Apply ``fields`` to the public offer: columns, its HSDS record and records, the derived
    search data, and one HSDS metadata entry per changed field."""
    _validate(fields)
    now = timezone.now()
    changes: list[tuple[str, str, str]] = []
    record = dict(service.hsds)
    for name, value in fields.items():
        hsds_field = EDITABLE_FIELDS[name]
        if name in ("topics", "languages") or name in EASY_FIELDS:
            continue
        previous = getattr(service, name)
        if previous != value:
            changes.append((name, str(previous if previous is not None else ""), str(value)))
        setattr(service, name, value)
        if hsds_field:
            if value in (None, ""):
                record.pop(hsds_field, None)
            else:
                record[hsds_field] = value
    record["id"] = service.hsds_id
    record["last_modified"] = now.isoformat().replace("+00:00", "Z")
    if service.organization is not None:
        record["organization_id"] = service.organization.hsds_id
    if service.last_confirmed:
        record["assured_date"] = service.last_confirmed.isoformat()
    service.hsds = record
    if service.pk is None:
        service.save()
    if "free_of_charge" in fields:
        rows = [{"service_id": service.hsds_id, "option": "kostenlos", "amount": 0}]
        _replace_records(service, "cost_options", "free", rows if fields["free_of_charge"] else [])
    if "what_to_bring" in fields:
        text = str(fields["what_to_bring"]).strip()
        rows = [{"service_id": service.hsds_id, "document": text}] if text else []
        # the editor's text is all there is to bring: documents imported before it go
        service.records.filter(table="required_documents").exclude(
            hsds_id=_record_id(service, "bring")
        ).delete()
        _replace_records(service, "required_documents", "bring", rows)
    if "target_groups" in fields:
        # the groups ticked are all the offer's groups: imported attributes naming others go
        attributes = list(service.records.filter(table="attributes"))
        linked = _linked_terms(service, attributes)
        for attribute in attributes:
            if target_groups([attribute.data], linked) and not _is_ours(
                service, "target_group", attribute
            ):
                attribute.delete()
        rows = [
            {"_value": g, "link_id": service.hsds_id, "link_entity": "service",
             "link_type": "target_group", "value": g}
            for g in fields["target_groups"]
        ]  # fmt: skip
        _replace_records(service, "attributes", "target_group", rows)
    if "topics" in fields:
        terms = _topics_from(list(fields["topics"]), service.directory)
        before = sorted(service.topics.values_list("code", flat=True))
        rows = [
            {"_value": t.hsds_id, "link_id": service.hsds_id, "link_entity": "service",
             "link_type": "topic", "taxonomy_term_id": t.hsds_id}
            for t in terms
        ]  # fmt: skip
        _replace_records(service, "attributes", "topic", rows)
        service.topics.set(terms)
        after = sorted(t.code for t in terms)
        if before != after:
            changes.append(("topics", ",".join(before), ",".join(after)))
    if "languages" in fields:
        codes = sorted({str(c).strip().lower() for c in fields["languages"] if str(c).strip()})
        before = sorted(service.spoken.values_list("code", flat=True))
        rows = [{"_value": c, "service_id": service.hsds_id, "code": c} for c in codes]
        _replace_records(service, "languages", "language", rows)
        if before != codes:
            changes.append(("languages", ",".join(before), ",".join(codes)))
    records = list(service.records.all())
    location_records = list(
        HsdsRecord.objects.filter(location__services_here__service=service, service=None)
    )
    spoken, hours = service_derive(
        service,
        records=records,
        location_records=location_records,
        organization_name=service.organization.name if service.organization is not None else "",
        topic_names=topic_search_names(service.topics.all()),
        texts=service_texts(service),
        terms=_linked_terms(service, records),
    )
    if "free_of_charge" in fields:
        service.free_of_charge = bool(fields["free_of_charge"])
    service.save()
    derived_rows_save(service, spoken, hours)
    easy = _easy_text_apply(service, fields)
    if easy:
        search_document_refresh(service)  # the easy text is searched too
    changes.extend(easy)
    for field_name, previous, replacement in changes:
        metadata_add(
            service=service,
            field_name=field_name,
            previous=previous,
            replacement=replacement,
            action="update" if previous else "create",
            actor=actor,
            today=today,
        )
    log_action(
        "directory.service.changed",
        actor=actor,
        obj=service,
        data={"fields": sorted(name for name, _, _ in changes)},
    )
    return service


def _easy_text_apply(service: Service, fields: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Write the Einfache Sprache fields of ``fields`` to the offer's easy text (made from the
    German text as it is now; both emptied: no easy text, the reader gets the German one);
    the changes as (field, previous, new)."""
    given = {column: str(fields[name]).strip() for name, column in EASY_FIELDS.items()
             if name in fields}  # fmt: skip
    if not given:
        return []
    text = ServiceText.objects.filter(service=service, language="de", easy_language=True).first()
    before = {"name": text.name, "description": text.description} if text else {}
    after = {"name": "", "description": "", **before, **given}
    changes = [
        (name, before.get(column, ""), after[column])
        for name, column in EASY_FIELDS.items()
        if before.get(column, "") != after[column]
    ]
    if not after["name"] and not after["description"]:
        if text is not None:
            text.delete()
        return changes
    if text is None:
        text = ServiceText(service=service, language="de", easy_language=True)
    if changes or text.source_digest != german_digest(service):
        text.name, text.description = after["name"], after["description"]
        text.source_digest = german_digest(service)
        text.save()
    return changes


@transaction.atomic
def change_propose(
    *,
    actor: User,
    organization: Organization,
    fields: dict[str, Any],
    service: Service | None = None,
) -> ChangeRequest:
    """A provider's change (or new offer), waiting for the editor's review."""
    if organization.provider_id is None or organization.provider_id != actor.organisation_id:
        raise PermissionDenied
    if service is not None and service.organization_id != organization.pk:
        raise PermissionDenied
    _validate(fields)
    if service is None and not str(fields.get("name", "")).strip():
        raise ValidationError(_("An offer needs a name."))
    change = ChangeRequest.objects.create(
        directory=organization.directory,
        service=service,
        organization=organization,
        fields=fields,
        proposed_by=actor,
    )
    log_action(
        "directory.change.proposed", actor=actor, obj=change, data={"fields": sorted(fields)}
    )
    return change


@transaction.atomic
def change_decide(*, actor: User, change: ChangeRequest, to: str, note: str = "") -> ChangeRequest:
    """Move a change along :data:`CHANGE_TRANSITIONS`; approving applies it to the offer."""
    change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    if to not in CHANGE_TRANSITIONS.get(change.status, frozenset()):
        raise ValidationError(
            _("A change that is %(status)s cannot become %(to)s.")
            % {"status": change.get_status_display(), "to": ChangeStatus(to).label}
        )
    if to == ChangeStatus.APPROVED:
        service = change.service or Service(
            directory=change.directory, organization=change.organization, name=""
        )
        service_apply(service=service, fields=change.fields, actor=actor)
        change.service = service
    change.status = to
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.note = note[:500]
    change.save(update_fields=["status", "decided_by", "decided_at", "note", "service"])
    log_action(f"directory.change.{to}", actor=actor, obj=change)
    return change


@transaction.atomic
def service_confirm(*, actor: User, service: Service, today: dt.date | None = None) -> Service:
    """The provider confirms the offer is current (no review needed: nothing public changes
    but the date of the confirmation, which the offer's history records)."""
    if (
        service.organization is None
        or service.organization.provider_id is None
        or service.organization.provider_id != actor.organisation_id
    ):
        raise PermissionDenied
    previous = service.last_confirmed
    service.last_confirmed = today or timezone.localdate()
    metadata_add(
        service=service,
        field_name="assured_date",
        previous=previous.isoformat() if previous else "",
        replacement=service.last_confirmed.isoformat(),
        action="confirm",
        actor=actor,
        today=service.last_confirmed,
    )
    record = dict(service.hsds)
    record["assured_date"] = service.last_confirmed.isoformat()
    service.hsds = record
    service.save(update_fields=["last_confirmed", "hsds", "updated_at"])
    log_action("directory.service.confirmed", actor=actor, obj=service)
    return service


@transaction.atomic
def service_text_save(
    *,
    actor: User | None,
    service: Service,
    language: str,
    name: str,
    description: str,
    easy_language: bool = False,
) -> ServiceText:
    """The offer's text in ``language`` (with ``easy_language``: in Einfache Sprache, language
    "de"), marked as made from the current German text."""
    text, _created = ServiceText.objects.update_or_create(
        service=service,
        language=language,
        easy_language=easy_language,
        defaults={
            "name": name,
            "description": description,
            "source_digest": german_digest(service),
        },
    )
    search_document_refresh(service)  # the offer is found by words of this text
    log_action(
        "directory.text.saved",
        actor=actor,
        obj=service,
        data={"language": language, "easy_language": easy_language},
    )
    return text


# The longest description an editor may write (the German description has no lower limit).
TEXT_DESCRIPTION_MAX = 20_000


@transaction.atomic
def text_write(
    *,
    actor: User,
    service: Service,
    language: str,
    easy_language: bool,
    name: str,
    description: str,
    today: dt.date | None = None,
) -> Service:
    """A directory editor writes the offer's text in ``language`` (with ``easy_language``: in
    Einfache Sprache) directly, as the reviewer of the directory: public at once, marked as made
    from the current German text, each changed field in the offer's history. Both fields empty
    remove the text (readers then get the German one, marked as such). Returns the offer."""
    from ..selectors.work import directories_for_editor

    if not directories_for_editor(user=actor).filter(pk=service.directory_id).exists():
        raise PermissionDenied
    name, description = name.strip(), description.strip()
    errors = {}
    if len(name) > ServiceText._meta.get_field("name").max_length:  # type: ignore[operator]
        errors["name"] = _("The name is longer than 300 characters.")
    if len(description) > TEXT_DESCRIPTION_MAX:
        errors["description"] = _("The description is longer than 20,000 characters.")
    if "\x00" in name + description:
        field = "name" if "\x00" in name else "description"
        errors[field] = _("The text contains a NUL character.")
    if errors:
        raise ValidationError(errors)
    text = ServiceText.objects.filter(
        service=service, language=language, easy_language=easy_language
    ).first()
    before = {"name": text.name, "description": text.description} if text else {}
    after = {"name": name, "description": description}
    label = "easy" if easy_language else language
    for field_name in ("name", "description"):
        if before.get(field_name, "") != after[field_name]:
            metadata_add(
                service=service,
                field_name=f"{field_name}@{label}",
                previous=before.get(field_name, ""),
                replacement=after[field_name],
                action="update" if before.get(field_name) else "create",
                actor=actor,
                today=today,
            )
    if not name and not description:
        if text is not None:
            text.delete()
            log_action(
                "directory.text.deleted",
                actor=actor,
                obj=service,
                data={"language": language, "easy_language": easy_language},
            )
        return service
    service_text_save(
        actor=actor,
        service=service,
        language=language,
        name=name,
        description=description,
        easy_language=easy_language,
    )
    return service
