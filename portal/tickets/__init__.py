"""Service requests: forms from catalog data, tickets, due times, status checks."""
