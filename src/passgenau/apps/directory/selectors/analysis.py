"""The round table's analysis of one directory: what is offered (topic × language × district),
what is missing (needs recorded at the Lotse desk without a fitting offer), likely duplicates,
and how fresh the offers are per provider."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passgenau.apps.territories.models import Gemeinde
from passgenau.engine.directory import (
    DuplicatePair,
    OfferRecord,
    coverage,
    find_duplicates,
    gaps,
)

from ..models import (
    Directory,
    DistinctPair,
    HsdsRecord,
    NeedsRecord,
    Referral,
    ReferralOutcome,
    Service,
    ServiceAtLocation,
)
from .lotse import need_of, offers_for_analysis
from .search import PHONES, VISIBLE, directory_scope, topics_list

__all__ = ["RoundTableReport", "roundtable_report"]

FRESH_DAYS = 183  # "confirmed in the last six months"


class _Phones(TypedDict):
    phone_records: list[HsdsRecord]  # Prefetch("records", queryset=PHONES, to_attr=…)


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    ServiceWithPhones = WithAnnotations[Service, _Phones]


@dataclass
class RoundTableReport:
    offers: int
    locations: int
    languages: list[str]
    topics: list[tuple[str, int]]
    matrix_languages: list[str]
    matrix: list[tuple[str, list[int]]]
    districts: list[tuple[str, int]]  # (district, offers), most offers first
    # per district: the topic × language spoken rows (the languages of matrix_languages)
    district_matrices: list[tuple[str, list[tuple[str, list[int]]]]]
    gaps: list[tuple[str, str, str, int]]
    duplicates: list[tuple[DuplicatePair, str, str]]
    freshness: list[tuple[str, int, int, float]]
    outcomes: list[tuple[str, int]]  # (outcome label, referrals), every outcome once referred
    outcome_labels: list[str] = field(default_factory=list)
    outcomes_by_topic: list[tuple[str, list[int]]] = field(default_factory=list)
    referrals: str = ""  # "N referrals from the Lotse desk."
    summary: str = ""
    stale: int = 0
    extra: dict[str, int] = field(default_factory=dict)
    # every language spoken with its number of offers, most offers first (the matrix shows 12)
    language_counts: list[tuple[str, int]] = field(default_factory=list)
    # the needs without a fitting offer per topic, most first (the gaps' chart)
    gap_topics: list[tuple[str, int]] = field(default_factory=list)

    def figures(self) -> list[tuple[str, str]]:
        """The meeting's figures at a glance: what each table below holds, as one count."""
        fresh = sum(f for _name, f, _t, _s in self.freshness)
        return [
            (_("Offers"), str(self.offers)),
            (_("Locations"), str(self.locations)),
            (_("Languages spoken"), str(len(self.languages))),
            (_("Topics"), str(len(self.topics))),
            (_("Gaps: needs without a fitting offer"), str(sum(g[3] for g in self.gaps))),
            (_("Likely duplicates"), str(len(self.duplicates))),
            (_("Not confirmed recently"), str(self.stale)),
            (_("Confirmed in the last 6 months"), f"{fresh} / {self.offers}"),
        ]

    def sections(self) -> list[tuple[str, list[tuple[object, ...]]]]:
        per_district: list[tuple[str, list[tuple[object, ...]]]] = [
            (
                _("Topic × language spoken in %(district)s") % {"district": district},
                [
                    (t, *(f"{lang} {n}" for lang, n in zip(self.matrix_languages, cells,
                                                           strict=True) if n))
                    for t, cells in rows
                ],
            )
            for district, rows in self.district_matrices
        ]  # fmt: skip
        return [
            (_("Figures"), [(label, value) for label, value in self.figures()]),
            (_("Languages spoken (number of offers)"), [(c, n) for c, n in self.language_counts]),
            (_("Offers by topic"), [(t, n) for t, n in self.topics]),
            (
                _("Topic × language spoken"),
                [(t, *cells) for t, cells in self.matrix],
            ),
            (_("Offers per municipality"), [(d, n) for d, n in self.districts]),
            *per_district,
            (_("Gaps: needs without a fitting offer"), [g for g in self.gaps]),
            (
                _("Likely duplicates"),
                [(a, b, f"{p.score:.2f}", ", ".join(p.reasons)) for p, a, b in self.duplicates],
            ),
            (
                _("Freshness per provider (confirmed in the last 6 months)"),
                [
                    (name, f"{fresh}/{total}", f"{share:.0%}")
                    for name, fresh, total, share in self.freshness
                ],
            ),
            (
                _("Referrals from the Lotse desk by outcome"),
                [(self.referrals,)] if self.outcomes else [],
            ),
            ("", [(referrals_phrase(label, n),) for label, n in self.outcomes]),
            (
                _("Referrals by topic of the offer and outcome"),
                [
                    (
                        topic,
                        *(
                            f"{label}: {n}"
                            for label, n in zip(self.outcome_labels, counts, strict=True)
                        ),
                    )
                    for topic, counts in self.outcomes_by_topic
                ],
            ),
        ]


def referrals_phrase(outcome: str, count: int) -> str:
    return ngettext(
        "%(outcome)s: %(count)d referral", "%(outcome)s: %(count)d referrals", count
    ) % {"outcome": outcome, "count": count}


# the order of the outcomes in the report: the final ones first, then those still open
OUTCOME_ORDER = [
    ReferralOutcome.WENT,
    ReferralOutcome.DID_NOT_GO,
    ReferralOutcome.NOT_SUITABLE,
    ReferralOutcome.OPEN,
]


def _outcomes(
    scope: list[int], topic_names: dict[str, str]
) -> tuple[list[tuple[str, int]], list[tuple[str, list[int]]], int]:
    """Referrals counted by outcome, and by topic of the offer referred to (an offer of two topics
    counts in both) and outcome."""
    rows = list(
        Referral.objects.filter(needs__directory_id__in=scope).values_list(
            "pk", "outcome", "service__topics__code"
        )
    )
    by_outcome = Counter(outcome for _pk, outcome in {(pk, o) for pk, o, _t in rows})
    total = sum(by_outcome.values())
    if not total:
        return [], [], 0
    by_topic: dict[str, Counter[str]] = {}
    for _pk, outcome, code in rows:
        name = topic_names.get(code, code) if code else "—"
        by_topic.setdefault(name, Counter())[outcome] += 1
    outcomes = [(str(o.label), by_outcome[o.value]) for o in OUTCOME_ORDER]
    topics = [
        (name, [counts[o.value] for o in OUTCOME_ORDER])
        for name, counts in sorted(by_topic.items(), key=lambda kv: (-kv[1].total(), kv[0]))
    ]
    return outcomes, topics, total


def _records(services: list[ServiceWithPhones]) -> list[OfferRecord]:
    out = []
    for service in services:
        sal = next(iter(service.at_locations.all()), None)
        location = sal.location if sal else None
        out.append(
            OfferRecord(
                id=str(service.pk),
                name=service.name,
                organization=service.organization.name if service.organization else "",
                street=location.street if location else "",
                postcode=location.postcode if location else "",
                city=location.city if location else "",
                phones=tuple(str(r.data.get("number", "")) for r in service.phone_records),
                emails=(service.email,) if service.email else (),
                urls=(service.url,) if service.url else (),
                topics=tuple(t.code for t in service.topics.all()),
            )
        )
    return out


def roundtable_report(*, directory: Directory, today: dt.date | None = None) -> RoundTableReport:
    today = today or timezone.localdate()
    scope = directory_scope(directory)
    offers, _services_by_id = offers_for_analysis(scope)
    services = list(
        Service.objects.filter(directory_id__in=scope, status__in=VISIBLE)
        .select_related("organization")
        .prefetch_related(
            "at_locations__location",
            "topics",
            Prefetch("records", queryset=PHONES, to_attr="phone_records"),
        )
    )
    topic_names = {t.code: t.name for t in topics_list()}
    topic_names.update({t.code: t.name for s in services for t in s.topics.all()})
    topic_counts = Counter(t for o in offers for t in o.topics if t in topic_names)
    language_counts = Counter(lang for o in offers for lang in o.languages)
    languages = [code for code, _n in language_counts.most_common()]
    cells: dict[tuple[str, str], int] = {}
    for cell in coverage(offers):
        cells[(cell.topic, cell.language)] = cells.get((cell.topic, cell.language), 0) + cell.offers
    matrix_languages = languages[:12]
    matrix = [
        (topic_names[t], [cells.get((t, lang), 0) for lang in matrix_languages])
        for t, _n in topic_counts.most_common()
    ]
    district_names = dict(
        Gemeinde.objects.filter(ags__in={o.district for o in offers}).values_list("ags", "name")
    )

    def district_name(key: str) -> str:
        return district_names.get(key, key) or "—"

    district_counts = Counter(district_name(o.district) for o in offers)
    by_district: dict[str, Counter[tuple[str, str]]] = {}
    for cell in coverage(offers):
        by_district.setdefault(district_name(cell.district), Counter())[
            (cell.topic, cell.language)
        ] += cell.offers
    district_matrices = [
        (
            district,
            [
                (topic_names[t], row)
                for t, _n in topic_counts.most_common()
                if any(row := [counts[(t, lang)] for lang in matrix_languages])
            ],
        )
        for district, counts in sorted(by_district.items())
    ]
    needs = list(
        NeedsRecord.objects.filter(directory_id__in=scope)
        .select_related("gemeinde")
        .prefetch_related("topics")
    )
    # a need's place is its Gemeinde's key: the reader gets the Gemeinde's name
    district_names.update({n.gemeinde.ags: n.gemeinde.name for n in needs if n.gemeinde})
    gap_counts = gaps([need_of(n) for n in needs], offers)
    gap_rows = [
        (topic_names.get(t, t), lang, district_names.get(district, district), n)
        for (t, lang, district), n in gap_counts.most_common()
    ]
    gap_topics: Counter[str] = Counter()
    for topic, _lang, _place, n in gap_rows:
        gap_topics[topic] += n
    names = {str(s.pk): s.name for s in services}
    distinct = {
        (str(a), str(b))
        for a, b in DistinctPair.objects.filter(first__in=services).values_list(
            "first_id", "second_id"
        )
    }
    duplicates = [
        (p, names[p.a], names[p.b])
        for p in find_duplicates(_records(services))
        if (p.a, p.b) not in distinct and (p.b, p.a) not in distinct
    ]
    fresh_since = today - dt.timedelta(days=FRESH_DAYS)
    per_provider: dict[str, list[int]] = {}
    for service in services:
        name = service.organization.name if service.organization else _("(no provider)")
        row = per_provider.setdefault(name, [0, 0])
        row[1] += 1
        if service.last_confirmed and service.last_confirmed >= fresh_since:
            row[0] += 1
    freshness = sorted(
        ((name, f, t, f / t) for name, (f, t) in per_provider.items()), key=lambda r: (r[3], r[0])
    )
    stale_after = dt.timedelta(days=directory.stale_after_days)
    stale = sum(
        1 for s in services if not s.last_confirmed or today - s.last_confirmed > stale_after
    )
    outcomes, outcomes_by_topic, referrals = _outcomes(scope, topic_names)
    locations = (
        ServiceAtLocation.objects.filter(service__in=services).values("location").distinct().count()
    )
    summary = ngettext(
        "%(offers)d offer at %(locations)d locations in %(languages)d languages.",
        "%(offers)d offers at %(locations)d locations in %(languages)d languages.",
        len(services),
    ) % {"offers": len(services), "locations": locations, "languages": len(languages)}
    return RoundTableReport(
        offers=len(services),
        locations=locations,
        languages=languages,
        topics=[(topic_names[t], n) for t, n in topic_counts.most_common()],
        matrix_languages=matrix_languages,
        matrix=matrix,
        districts=sorted(district_counts.items(), key=lambda kv: (-kv[1], kv[0])),
        district_matrices=district_matrices,
        gaps=gap_rows,
        gap_topics=sorted(gap_topics.items(), key=lambda kv: (-kv[1], kv[0])),
        duplicates=duplicates,
        freshness=freshness,
        outcomes=outcomes,
        outcome_labels=[str(o.label) for o in OUTCOME_ORDER],
        outcomes_by_topic=outcomes_by_topic,
        referrals=ngettext(
            "%(count)d referral from the Lotse desk.",
            "%(count)d referrals from the Lotse desk.",
            referrals,
        )
        % {"count": referrals},
        summary=summary,
        stale=stale,
        language_counts=language_counts.most_common(),
    )
