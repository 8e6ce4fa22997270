"""The core app registers no models; the admin site itself is in admin_site.py."""
