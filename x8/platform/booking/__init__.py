"""Booking (SPEC.md §11 R-CAL1, R-CAL2): a company's availability, the free slots it gives, and bookings that
never overbook a slot. See docs/booking.md."""
