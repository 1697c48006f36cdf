"""Announcements and calendar overrides (closures, extra working days) that staff publish."""
