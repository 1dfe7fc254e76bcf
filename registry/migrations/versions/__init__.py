"""Migration scripts, one per schema change; written by hand and reviewed like code."""
