"""Public performance page ``/kinerja``: what the clock measures, per service, from a stored snapshot."""
