"""Knowledge base: FAQ articles per catalog code, rendering, Indonesian search."""
