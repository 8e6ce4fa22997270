"""Writes of relocation data, one module per area: ``rounds``, ``profiles``, ``intake``,
``imports``. Every change of personal data is logged with ``log_action``."""
