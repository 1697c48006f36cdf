"""Staff and internal accounts: sign-in, roles, units, ``flask users …``."""
