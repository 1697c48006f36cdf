"""E-mail: the outbox (queued with its cause, sent after commit) and the thread of Message-IDs per ticket."""
