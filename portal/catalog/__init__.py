"""The published service catalog: data file, loader, consistency report, pages."""
