"""The Django admin's index names every app and model in the reader's language (issue 11)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.utils import translation
from django.utils.text import camel_case_to_spaces

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def _names(model) -> tuple[str, str, str]:
    meta = model._meta
    return (
        str(meta.verbose_name),
        str(meta.verbose_name_plural),
        str(apps.get_app_config(meta.app_label).verbose_name),
    )


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_admin_model_and_its_app_have_german_names(model) -> None:
    default = camel_case_to_spaces(model._meta.object_name)
    with translation.override("de"):
        german = _names(model)
    with translation.override("uk"):
        ukrainian = _names(model)
    assert german[0] != default and german[1] != f"{default}s"
    # a name the catalogues do not know reads the same in every language
    for de, uk in zip(german, ukrainian, strict=True):
        assert de != uk, f"{de!r} is not translated"
