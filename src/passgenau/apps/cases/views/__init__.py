"""Pages of case management, one module per area (as forms, services and selectors): ``cases``
holds the caseload, a case, contracts and statements.

Views parse input, call one service or selector, and render; objects come from access functions,
which answer 404 for what the user may not see."""
