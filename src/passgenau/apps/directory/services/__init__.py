"""Writes of the directory, by area: HSDS import/export, offer changes, the Lotse desk."""

from .hsds_io import directory_export_hsds, directory_import_hsds
from .offers import change_decide, change_propose, service_apply, service_confirm

__all__ = [
    "change_decide",
    "change_propose",
    "directory_export_hsds",
    "directory_import_hsds",
    "service_apply",
    "service_confirm",
]
