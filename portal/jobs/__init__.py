"""The desk's runner: ``flask jobs run`` runs every due job once; features register their jobs here."""
