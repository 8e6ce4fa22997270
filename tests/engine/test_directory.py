"""Duplicates, ranking, coverage and gaps of the directory engine."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine.directory_samples import NAMED_APART, NAMED_DUPLICATES, labelled_offers
from passgenau.engine.directory import (
    DAY_PARTS,
    Need,
    Offer,
    OfferRecord,
    coverage,
    distance_km,
    find_duplicates,
    fits_times,
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


def test_a_duplicate_by_e_mail_web_address_and_topic_says_so():
    """No address and no phone shared: the e-mail address, the web address (written with and
    without 'www.', scheme, capitals and a final slash) and the topic are what the two have in
    common, and the reasons name each."""
    a = OfferRecord("1", "Sprachcafé Lebenstedt", "Flüchtlingshilfe Salzgitter e.V.",
                    phones=("05341 111",), emails=("sprachcafe@fluechtlingshilfe-sz.de",),
                    urls=("https://www.fluechtlingshilfe-sz.de/sprachcafe",),
                    topics=("sprache",))  # fmt: skip
    b = OfferRecord("2", "Sprach-Café Lebenstedt", "Flüchtlingshilfe Salzgitter",
                    emails=("Sprachcafe@Fluechtlingshilfe-SZ.de",),
                    urls=("HTTP://Fluechtlingshilfe-SZ.de/sprachcafe/",),
                    topics=("sprache", "begegnung"))  # fmt: skip
    [pair] = find_duplicates([a, b])
    assert {"same e-mail", "same web address", "same topic"} <= set(pair.reasons)
    assert not {"same address", "same phone"} & set(pair.reasons)
    # only the phone in common: another e-mail, site and topic give none of the three reasons
    c = OfferRecord("3", "Sprachcafé Lebenstedt", "Flüchtlingshilfe Salzgitter",
                    phones=("05341 111",), emails=("info@andere.de",),
                    urls=("https://andere.de",), topics=("arbeit",))  # fmt: skip
    pairs = {(p.a, p.b): p for p in find_duplicates([a, c], threshold=0.0)}
    assert "same phone" in pairs[("1", "3")].reasons
    assert not {"same e-mail", "same web address", "same topic"} & set(pairs[("1", "3")].reasons)


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
    """On a labelled set of 3000 offers: precision and recall, and the named cases by name: each
    true pair is reported with the reasons that show how it was recognised (the provider's name
    written two ways, "Str." for "Straße", +49 … and 0…, name variants), and no hard
    non-duplicate (one provider's courses at one address and phone, the same offer in another
    town) is reported."""
    records, truth = labelled_offers(3000, seed=11)
    assert len(truth) > 1000
    reported = {(p.a, p.b): p for p in find_duplicates(records)}
    found = set(reported)
    true_positives = len(found & truth)
    precision = true_positives / len(found)
    recall = true_positives / len(truth)
    assert precision >= 0.97, precision
    assert recall >= 0.97, recall
    for pair, reasons in NAMED_DUPLICATES.items():
        assert pair in reported, f"{pair} not reported"
        assert reasons <= set(reported[pair].reasons), (pair, reported[pair].reasons)
    assert any(
        r.startswith("similar name") for r in reported["named-name-a", "named-name-b"].reasons
    )
    assert "same phone" not in reported["named-street-a", "named-street-b"].reasons
    assert "same address" not in reported["named-phone-a", "named-phone-b"].reasons
    assert not set(NAMED_APART) & found, set(NAMED_APART) & found
    named = [r for r in records if r.id.startswith("named-")]
    scored = {(p.a, p.b): p for p in find_duplicates(named, threshold=0.0)}
    for pair, reason in NAMED_APART.items():
        assert pair in scored, f"{pair} never compared"  # blocking brings them together
        if reason is not None:
            assert reason in scored[pair].reasons, (pair, scored[pair].reasons)
        else:  # one provider's different offers: their names are not alike
            assert not any(r.startswith("similar name") for r in scored[pair].reasons)


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


def _minutes(clock):
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _fits_by_the_minute(weekdays, day_parts, hours):
    """Oracle: walk every minute of the week; the offer fits when one minute is inside one of its
    opening slots, on a day the person can come and in a part of the day the person can come."""
    if not (weekdays or day_parts) or not hours:
        return None
    for day in range(1, 8):
        if weekdays and day not in weekdays:
            continue
        for minute in range(24 * 60):
            open_now = any(d == day and _minutes(o) <= minute < _minutes(c) for d, o, c in hours)
            in_part = not day_parts or any(
                _minutes(DAY_PARTS[p][0]) <= minute < _minutes(DAY_PARTS[p][1]) for p in day_parts
            )
            if open_now and in_part:
                return True
    return False


_clock = st.integers(0, 24 * 60 - 2).map(lambda m: f"{m // 60:02d}:{m % 60:02d}")
_slot = st.tuples(st.integers(1, 7), _clock, _clock).filter(lambda s: s[1] < s[2])


@settings(max_examples=60, deadline=None)
@given(
    weekdays=st.frozensets(st.integers(1, 7), max_size=3),
    day_parts=st.frozensets(st.sampled_from(sorted(DAY_PARTS)), max_size=2),
    hours=st.lists(_slot, max_size=3).map(tuple),
)
# the edges: a slot that ends as the morning begins, or opens as it ends, does not meet it
@example(frozenset({1}), frozenset({"morning"}), ((1, "05:00", "06:00"), (1, "12:00", "13:00")))
@example(frozenset(), frozenset({"afternoon"}), ((3, "16:59", "17:00"),))
@example(frozenset({2}), frozenset(), ((1, "09:00", "12:00"),))
def test_the_hours_fit_agrees_with_a_minute_by_minute_oracle(weekdays, day_parts, hours):
    need = Need(frozenset({"beratung"}), weekdays=weekdays, day_parts=day_parts)
    offer = Offer("x", frozenset({"beratung"}), frozenset(), hours=hours)
    assert fits_times(need, offer) == _fits_by_the_minute(weekdays, day_parts, hours)


def test_offers_open_when_the_person_can_come_rank_higher():
    def offer(id_, *hours):
        return Offer(id_, frozenset({"beratung"}), frozenset({"ar"}), "A", 52.15, 10.33,
                     hours=hours)  # fmt: skip

    offers = [
        offer("a-monday-morning", (1, "09:00", "12:00")),
        offer("b-tuesday-afternoon", (2, "14:00", "17:00")),
        offer("c-tuesday-evening", (2, "17:30", "20:00")),
        offer("d-no-hours"),
    ]
    base = Need(frozenset({"beratung"}), frozenset({"ar"}), 52.15, 10.33)

    def order(**times):
        ranked = rank_offers(Need(**{**base.__dict__, **times}), offers)
        return [r.offer_id for r in ranked], {r.offer_id for r in ranked if "hours" in r.reasons}

    # no times given: every offer fits alike, the ids decide
    assert order() == (["a-monday-morning", "b-tuesday-afternoon", "c-tuesday-evening",
                        "d-no-hours"], set())  # fmt: skip
    assert order(weekdays=frozenset({2}), day_parts=frozenset({"afternoon"})) == (
        ["b-tuesday-afternoon", "a-monday-morning", "c-tuesday-evening", "d-no-hours"],
        {"b-tuesday-afternoon"},
    )
    assert order(weekdays=frozenset({2})) == (
        ["b-tuesday-afternoon", "c-tuesday-evening", "a-monday-morning", "d-no-hours"],
        {"b-tuesday-afternoon", "c-tuesday-evening"},
    )
    assert order(day_parts=frozenset({"morning", "evening"})) == (
        ["a-monday-morning", "c-tuesday-evening", "b-tuesday-afternoon", "d-no-hours"],
        {"a-monday-morning", "c-tuesday-evening"},
    )
    # the hours weigh 0.1 of the score, never more than the language spoken (0.35)
    ranked = rank_offers(
        Need(frozenset({"beratung"}), frozenset({"fa"}), 52.15, 10.33, weekdays=frozenset({2})),
        [offer("a-tuesday", (2, "09:00", "12:00")),
         Offer("z-farsi", frozenset({"beratung"}), frozenset({"fa"}), "A", 52.15, 10.33,
               hours=((1, "09:00", "12:00"),))],
    )  # fmt: skip
    assert [(r.offer_id, r.reasons) for r in ranked] == [
        ("z-farsi", ("topic", "language", "near")),
        ("a-tuesday", ("topic", "near", "hours")),
    ]


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


def test_duplicates_command_on_an_hsds_folder(tmp_path, capsys):
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

    # through the command line's entry point, as a user types it: JSON, then the plain table
    from passgenau.cli import main

    assert main(["directory", "duplicates", str(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(out.getvalue())
    assert main(["directory", "duplicates", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "3 offers, 1 likely duplicate pairs"
    assert lines[1].startswith(f"{pair['score']:.2f}  Migrationsberatung für Erwachsene [s1]  ~  ")
    assert "Migrationsberatung f. Erwachsene (MBE) [s2]" in lines[1] and "same phone" in lines[1]
    assert len(lines) == 2

    (tmp_path / "phones.csv").write_text("id,service_id,number,fax\np1,s1,1,2\n")
    err = io.StringIO()
    assert duplicates_run(tmp_path, err=err) == 2
    assert "phones.csv, row 1, column 'fax'" in err.getvalue()
