"""Pages of the directory, by area: public search, providers, editors, the Lotse desk, the round
table."""
