"""Date pickers show their value in the only format browsers accept there (issue 11, bug 2)."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil

import pytest
from django import forms
from django.utils import translation

import passgenau.apps


def _form_classes() -> list[type[forms.Form]]:
    for module in pkgutil.walk_packages(passgenau.apps.__path__, "passgenau.apps."):
        if ".forms" in module.name and ".migrations" not in module.name:
            importlib.import_module(module.name)
    found, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("passgenau."):
                found.add(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


@pytest.mark.parametrize("language", ["de", "uk", "en"])
def test_every_date_field_renders_an_iso_value(language):
    checked = 0
    with translation.override(language):
        for form in _form_classes():
            for name, field in getattr(form, "base_fields", {}).items():
                if not isinstance(field, forms.DateField):
                    continue
                html = field.widget.render(name, dt.date(2026, 12, 8))
                assert 'type="date"' in html, (form, name)
                assert 'value="2026-12-08"' in html, (form, name, html)
                checked += 1
    assert checked >= 10
