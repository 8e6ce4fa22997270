"""Pages of relocation rounds, one module per area (as forms, services, selectors, API and URLs):
``rounds``, ``profiles``, ``intake`` and ``imports``, ``runs``, ``review``, ``decisions``,
``travel`` and ``followup``.

Views parse input, call one selector or service and render; objects come from access functions,
which answer 404 for what the user may not see. Every page showing households logs the read.
"""
