"""The core app has no forms (kept for the common app layout)."""
