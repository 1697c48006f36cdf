"""Shared building blocks: model base, security headers, time formatting, calendar, errors."""
