"""Reads of the directory, by area: the public search, the editors' and providers' lists, the
Lotse desk and the round-table analysis."""
