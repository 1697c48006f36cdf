"""JSON API, version 1, for integrations (channel bots, dashboards)."""
