"""The state store: SQLAlchemy Core tables, engine setup, migrations and the repository."""
