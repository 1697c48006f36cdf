"""SIAP (WBSM.01): anonymous complaints that only the Secretariat of DJPb can read.

Segregated on purpose: its own blueprints, templates, database bind (``siap``) and Alembic
environment. Nothing outside this package imports its models.
"""
