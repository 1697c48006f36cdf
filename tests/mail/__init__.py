"""Tests of incoming and outgoing e-mail."""
