"""Duplicates, ranking, coverage and gaps of the directory engine."""

from __future__ import annotations

import pytest

from engine.directory_samples import labelled_offers
from passgenau.engine.directory import (
    Need,
    Offer,
    OfferRecord,
    coverage,
    distance_km,
    find_duplicates,
    gaps,
    normalise_phone,
    normalise_street,
    rank_offers,
)


def _pairs(records):
    return {(p.a, p.b) for p in find_duplicates(records)}


def test_normalisation_of_phones_and_streets():
    forms = [
        "05341 123456",
        "+49 5341 123456",
        "05341/123-456",
        "+49 (0)5341 123456",
        "0049 5341 123456",
    ]
    assert {normalise_phone(f) for f in forms} == {"05341123456"}
    assert normalise_street("Hauptstr. 5") == normalise_street("Hauptstraße 5") == "hauptstrasse 5"
    assert normalise_street("Kirchstrasse 12 a") == "kirchstrasse 12a"


def test_a_duplicate_written_differently_is_found_with_its_reasons():
    a = OfferRecord(
        "1",
        "Migrationsberatung für Erwachsene",
        "Caritasverband Salzgitter e.V.",
        "Hauptstraße 5",
        "38226",
        "Salzgitter",
        ("05341 123456",),
    )
    b = OfferRecord(
        "2",
        "Migrationsberatung f. Erwachsene (MBE)",
        "Caritas Salzgitter",
        "Hauptstr. 5",
        "38226",
        "Salzgitter",
        ("+49 (0)5341 123456",),
    )
    [pair] = find_duplicates([a, b])
    assert (pair.a, pair.b) == ("1", "2")
    assert 0.62 <= pair.score <= 1
    assert {"same address", "same phone"} <= set(pair.reasons)
    assert pair.as_dict()["reasons"] == list(pair.reasons)


def test_hard_non_duplicates_stay_apart():
    site = dict(
        organization="VHS Salzgitter",
        street="Am Markt 1",
        postcode="38226",
        city="Salzgitter",
        phones=("05341 4000",),
    )
    courses = [
        OfferRecord("a1", "Deutschkurs A1 für Frauen", **site),
        OfferRecord("b2", "Deutschkurs B2 für Frauen", **site),
        OfferRecord("cafe", "Nähcafé", **site),
        OfferRecord("hw", "Hausaufgabenhilfe", **site),
    ]
    elsewhere = OfferRecord(
        "gs",
        "Deutschkurs A1 für Frauen",
        "VHS Goslar",
        "Am Markt 1",
        "38640",
        "Goslar",
        ("05321 4000",),
    )
    assert _pairs([*courses, elsewhere]) == set()


def test_precision_and_recall_on_a_labelled_set():
    records, truth = labelled_offers(3000, seed=11)
    assert len(truth) > 1000
    found = _pairs(records)
    true_positives = len(found & truth)
    precision = true_positives / len(found)
    recall = true_positives / len(truth)
    assert precision >= 0.97, precision
    assert recall >= 0.97, recall


def test_the_labelled_set_has_its_hard_cases():
    records, truth = labelled_offers(600, seed=1)
    by_id = {r.id: r for r in records}
    # duplicates written differently exist …
    assert any(by_id[a].name != by_id[b].name for a, b in truth)
    assert any(by_id[a].phones != by_id[b].phones for a, b in truth)
    # … and non-duplicates at one address and phone of one provider
    sites = {}
    for r in records:
        sites.setdefault((r.city, r.street.replace("str.", "straße")), set()).add(r.name)
    assert any(len(names) >= 3 for names in sites.values())


@pytest.mark.slow
def test_fifty_thousand_offers_keep_their_recall():
    """Blocking must not lose duplicates at the size of a Land (the time is measured by
    bench/directory.py, not asserted here)."""
    records, truth = labelled_offers(50_000, seed=3)
    found = _pairs(records)
    assert len(found & truth) / len(truth) >= 0.97


def test_distance_between_two_cities():
    # Salzgitter-Lebenstedt to Braunschweig city centre: about 21 km
    assert distance_km(52.15, 10.33, 52.265, 10.52) == pytest.approx(18.5, abs=2)


OFFERS = [
    Offer(
        "near-ar", frozenset({"beratung"}), frozenset({"ar", "de"}), "A", 52.15, 10.33, free=True
    ),
    Offer("far-ar", frozenset({"beratung"}), frozenset({"ar"}), "B", 52.6, 10.9, free=True),
    Offer("near-de", frozenset({"beratung"}), frozenset({"de"}), "A", 52.151, 10.331),
    Offer("course", frozenset({"sprache"}), frozenset({"de"}), "A", 52.15, 10.33, min_age=18),
]


def test_ranking_by_language_topic_and_distance():
    need = Need(frozenset({"beratung"}), frozenset({"ar"}), 52.15, 10.33)
    ranked = rank_offers(need, OFFERS)
    assert [r.offer_id for r in ranked] == ["near-ar", "far-ar", "near-de"]
    assert "language" in ranked[0].reasons and "near" in ranked[0].reasons


def test_ranking_applies_the_constraints():
    need = Need(
        frozenset({"beratung", "sprache"}),
        frozenset({"ar"}),
        52.15,
        10.33,
        max_km=10,
        free_only=True,
    )
    assert [r.offer_id for r in rank_offers(need, OFFERS)] == ["near-ar"]
    young = Need(frozenset({"sprache"}), age=16)
    assert rank_offers(young, OFFERS) == []


def test_coverage_and_gaps():
    cells = {(c.topic, c.language, c.district): c.offers for c in coverage(OFFERS)}
    assert cells[("beratung", "ar", "A")] == 1
    assert cells[("beratung", "de", "A")] == 2
    needs = [
        Need(frozenset({"beratung"}), frozenset({"ar"}), district="A"),
        Need(frozenset({"sprache"}), frozenset({"fa"}), district="A"),
        Need(frozenset({"wohnen", "beratung"}), frozenset({"uk"}), district="B"),
    ]
    assert gaps(needs, OFFERS) == {
        ("sprache", "fa", "A"): 1,
        ("beratung", "uk", "B"): 1,
        ("wohnen", "uk", "B"): 1,
    }


def test_duplicates_command_on_an_hsds_folder(tmp_path):
    import io
    import json

    from passgenau.cli.directory import duplicates_run

    (tmp_path / "services.csv").write_text(
        "id,organization_id,name,status\n"
        "s1,o1,Migrationsberatung für Erwachsene,active\n"
        "s2,o1,Migrationsberatung f. Erwachsene (MBE),active\n"
        "s3,o1,Deutschkurs A1,active\n"
    )
    (tmp_path / "organizations.csv").write_text("id,name,description\no1,Caritas Salzgitter,x\n")
    (tmp_path / "phones.csv").write_text(
        "id,service_id,number\np1,s1,05341 123456\np2,s2,+49 5341 123456\np3,s3,05341 999\n"
    )
    out = io.StringIO()
    assert duplicates_run(tmp_path, as_json=True, out=out) == 0
    [pair] = json.loads(out.getvalue())
    assert (pair["a"], pair["b"]) == ("s1", "s2")
    assert "same phone" in pair["reasons"] and 0 <= pair["score"] <= 1

    (tmp_path / "phones.csv").write_text("id,service_id,number,fax\np1,s1,1,2\n")
    err = io.StringIO()
    assert duplicates_run(tmp_path, err=err) == 2
    assert "phones.csv, row 1, column 'fax'" in err.getvalue()
