from django.contrib.admin.apps import AdminConfig


class PassgenauAdminConfig(AdminConfig):
    """Django's admin, but on a site that uses our log-in (lock-out, TOTP) and roles."""

    default_site = "passgenau.apps.core.admin_site.PassgenauAdminSite"
