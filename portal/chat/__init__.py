"""Web chat (catalog B.1 d): a visitor talks to an agent in working hours; the transcript becomes a ticket."""
