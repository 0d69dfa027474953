"""Review label store: reviewers label the flags of screened vacancies; the labels retrain the flag classifier.

    from vacscreen.review import Store
    with Store() as store:          # VACSCREEN_DB (a file path or a SQLAlchemy URL), else the user data folder
        ...

SQLite or PostgreSQL (extra `pg`); the schema is created and upgraded by the Alembic migrations in
vacscreen/review/migrations when a Store is opened.
"""
from vacscreen.review.db import default_url
from vacscreen.review.store import Store
from vacscreen.review.tables import DECISIONS, FLAG_KINDS, SEVERITIES

__all__ = ["Store", "default_url", "DECISIONS", "FLAG_KINDS", "SEVERITIES"]
