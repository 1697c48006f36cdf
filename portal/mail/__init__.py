"""E-mail: the outbox and the thread table (outgoing), and mail to the desk (incoming)."""
