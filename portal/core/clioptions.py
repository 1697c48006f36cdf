"""Options shared by the portal's commands: ``--now`` for the commands cron runs."""

from __future__ import annotations

from datetime import datetime

import click


class Moment(click.ParamType):
    """An ISO 8601 moment that names its time zone (``2026-12-01T09:00:00+07:00``)."""

    name = "waktu"

    def convert(self, value, param, ctx) -> datetime:
        """Parse ``value``; a naive or malformed moment is a usage error, not a traceback."""
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail("bukan waktu ISO 8601", param, ctx)
        if moment.tzinfo is None:
            self.fail("sertakan zona waktu, mis. 2026-12-01T09:00:00+07:00", param, ctx)
        return moment


# Use with ``portal.core.clock.frozen_at(moment)`` around the command's work.
now_option = click.option(
    "--now", "moment", type=Moment(), default=None, help="Jalankan seolah pada waktu ini (ISO 8601 dengan zona)."
)
