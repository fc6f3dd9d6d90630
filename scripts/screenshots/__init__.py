"""Screenshot scripts for docs/screenshots (run the folder: `python scripts/screenshots`)."""
