"""Staff notifications ("Pemberitahuan"): an in-app list with an unread count, e-mail at once or daily."""
