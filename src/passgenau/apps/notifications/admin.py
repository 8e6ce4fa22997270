"""Notifications are a user's own; the admin shows none of them (no personal mail to read)."""
