"""Review label store: reviewers label the flags of screened vacancies; the labels retrain the flag classifier.

    from vacscreen.review import Store
    with Store() as store:          # VACSCREEN_DB (a file path or a SQLAlchemy URL), else the user data folder
        ...

SQLite or PostgreSQL (extra `pg`); the schema is created and upgraded by the Alembic migrations in
vacscreen/review/migrations when a Store is opened.
"""
__all__ = ["Store", "default_url", "DECISIONS", "FLAG_KINDS", "SEVERITIES"]


def __getattr__(name: str):
    # Lazy: importing vacscreen.review does not load SQLAlchemy and Alembic until a Store is used.
    if name == "Store":
        from vacscreen.review.store import Store

        return Store
    if name == "default_url":
        from vacscreen.review.db import default_url

        return default_url
    if name in ("DECISIONS", "FLAG_KINDS", "SEVERITIES"):
        from vacscreen.review import tables

        return getattr(tables, name)
    raise AttributeError(f"module 'vacscreen.review' has no attribute {name!r}")
