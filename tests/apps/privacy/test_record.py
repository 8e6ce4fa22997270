"""The record of processing activities (Art. 30 GDPR) is generated from the code, kept in docs/,
and names every table that holds data about a household or a case."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps

from passgenau.apps.privacy.record import ACTIVITIES, record_markdown

ROOT = Path(__file__).resolve().parents[3]


def _pointing_at(*labels: str) -> set[str]:
    """The models that refer to these, directly or through others (reverse relations)."""
    seen: set[str] = set()
    todo = [apps.get_model(label) for label in labels]
    while todo:
        model = todo.pop()
        if model._meta.label in seen:
            continue
        seen.add(model._meta.label)
        todo += [rel.related_model for rel in model._meta.related_objects]
    return seen


def test_docs_processing_record_md_is_the_generated_record():
    """Regenerate with ``.venv/bin/passgenau processing-record > docs/processing-record.md``."""
    text = (ROOT / "docs" / "processing-record.md").read_text(encoding="utf-8")
    assert text == record_markdown()


def test_every_table_about_a_household_or_a_case_is_in_the_record():
    recorded = {label for activity in ACTIVITIES for label in activity.tables}
    missing = _pointing_at("relocation.Household", "cases.Case") - recorded
    assert missing == set(), f"add these to an activity in apps/privacy/record.py: {missing}"


def test_the_record_names_purposes_special_categories_roles_and_periods():
    text = record_markdown()
    assert "giving names and contact data to the municipality once both sides accepted" in text
    assert "- all of health data (`cases.HealthRecord`)" in text
    assert "- Municipal officer: Decide on proposals addressed to the municipality" in text
    assert "- health needs: 30 days after the end of the household's part" in text
    assert "needs, notes on needs" in text


def test_the_record_follows_the_periods_in_force(settings):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "audit_entries": 365}
    assert "- audit entries: 365 days after the entry was written" in record_markdown()


def test_passgenau_prints_the_record(capsys):
    from passgenau.cli import main

    assert main(["processing-record"]) == 0
    assert capsys.readouterr().out == record_markdown()


def test_every_retention_period_is_in_the_record():
    from passgenau.apps.privacy.vocab import RetentionCategory

    assert {c for a in ACTIVITIES for c in a.retention} == set(RetentionCategory.values)
    text = record_markdown()
    assert "- contact notes: 365 days after the closing of the case" in text
    assert "(`RETENTION_CASE_FILES_DAYS`)" in text
