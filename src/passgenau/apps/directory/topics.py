"""The shipped German topic taxonomy (``data/topics.json``), shared by every directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TOPICS_FILE = Path(__file__).parent / "data" / "topics.json"


def topics_data() -> dict[str, Any]:
    return json.loads(TOPICS_FILE.read_text(encoding="utf-8"))


def topics_load(taxonomy_model: Any, term_model: Any) -> int:
    """Create or update the shipped taxonomy and its terms (models passed in, so that a
    migration can use its historical models); returns the number of terms."""
    data = topics_data()
    head = data["taxonomy"]
    taxonomy, _ = taxonomy_model.objects.update_or_create(
        directory=None,
        hsds_id=head["id"],
        defaults={"name": head["name"], "hsds": head},
    )
    by_code: dict[str, Any] = {}  # code → term (of the model passed in)
    for item in data["terms"]:
        record = {
            "id": item["id"],
            "code": item["code"],
            "name": item["name"],
            "description": item["name"],
            "taxonomy": head["name"],
            "taxonomy_id": head["id"],
            "language": "de",
        }
        parent = by_code.get(item["parent"])
        if parent is not None:
            record["parent_id"] = parent.hsds_id
        term, _ = term_model.objects.update_or_create(
            taxonomy=taxonomy,
            hsds_id=item["id"],
            defaults={
                "code": item["code"],
                "name": item["name"],
                "names": item["names"],
                "parent": parent,
                "hsds": record,
            },
        )
        by_code[item["code"]] = term
    return len(by_code)
