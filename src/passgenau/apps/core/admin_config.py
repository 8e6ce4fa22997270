from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class PassgenauAdminConfig(AdminConfig):
    """Django's admin, but on a site that uses our log-in (lock-out, TOTP) and roles."""

    default_site = "passgenau.apps.core.admin_site.PassgenauAdminSite"


class TasksConfig(TasksAppConfig):
    """The database task backend, named in the reader's language in the admin (its own name is
    plain English; its model's names are translated through ``admin_wording``)."""

    verbose_name = _("Background tasks")  # type: ignore[assignment]  # a str there, lazy here
