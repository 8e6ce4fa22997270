"""Forms of case management, one module per area (``cases``)."""
