"""The activity log (SPEC.md §8 "Activity log", R-UI2): every provider sync attempt of a company, with retry."""
