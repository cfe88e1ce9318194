"""Settings loading and validation, the example settings file and the demo data."""
