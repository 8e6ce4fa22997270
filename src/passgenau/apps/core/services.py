"""The core app has no writes (kept for the common app layout)."""
