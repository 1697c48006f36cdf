"""Tests of mail to the desk: ingest, fetch over IMAP (Dovecot), triage, held mail, quarantine."""
