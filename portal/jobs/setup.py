"""Wire the runner into an application: ``flask jobs``. Features register their jobs themselves."""

from __future__ import annotations

from flask import Flask

from portal.jobs.cli import jobs_cli


def init_app(app: Flask) -> None:
    """Add ``flask jobs``; the registry (``portal.jobs.registry``) fills as features set up."""
    app.cli.add_command(jobs_cli)
