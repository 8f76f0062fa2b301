"""Support (SPEC.md §12 R-S1, R-S2, setup calls of R-CH6): the manager ↔ business chat, the FAQ bot and setup
calls booked with the business's manager."""
