"""rows_update writes the given columns of many rows with one prepared statement: JSON, foreign
keys, text and nulls as Django would, nothing else touched."""

from __future__ import annotations

import pytest

from directory_helpers import make_directory
from passgenau.apps.core.bulk import rows_update
from passgenau.apps.directory.models import Location

pytestmark = pytest.mark.django_db


def test_it_writes_the_named_columns_of_every_row_and_nothing_else():
    from passgenau.apps.territories.models import Gemeinde

    directory = make_directory()
    locations = list(Location.objects.filter(directory=directory).order_by("pk"))
    assert len(locations) >= 3
    untouched = {loc.pk: (loc.name, loc.hsds) for loc in locations}
    gemeinde = Gemeinde.objects.first()
    for i, loc in enumerate(locations):
        loc.city = f"Stadt {i} – „Ünïcode“ ' ; DROP"
        loc.hsds = {**loc.hsds, "note": [i, None, {"k": "ü"}]}
        loc.gemeinde = gemeinde if i % 2 else None
        loc.name = "not written"
    assert rows_update(Location, locations, ["city", "hsds", "gemeinde"]) == len(locations)
    for i, loc in enumerate(Location.objects.filter(directory=directory).order_by("pk")):
        assert loc.city == f"Stadt {i} – „Ünïcode“ ' ; DROP"
        assert loc.hsds["note"] == [i, None, {"k": "ü"}]
        assert loc.gemeinde_id == (gemeinde.pk if i % 2 else None)
        assert loc.name == untouched[loc.pk][0]  # a field not named stays as it was


def test_nothing_to_write_is_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert rows_update(Location, [], ["city"]) == 0


def test_a_field_not_in_the_table_is_refused():
    with pytest.raises(KeyError):
        rows_update(Location, [Location(pk=1)], ["services_here"])
