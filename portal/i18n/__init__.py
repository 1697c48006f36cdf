"""English beside Indonesian: catalogs, the language switch, glosses of catalog names."""
