"""The audit trail: an append-only log of every staff change, written through one service function."""
