"""vacscreen: screen Dutch job vacancies for excessive and discriminatory requirements."""
from vacscreen.schema import InputError, Requirement, Screening

__all__ = ["screen", "screen_many", "screen_frame", "InputError", "Requirement", "Screening"]


def __getattr__(name):
    # Lazy so that `import vacscreen` stays cheap (the CLI imports it before parsing arguments).
    if name in ("screen", "screen_many", "screen_frame"):
        from vacscreen import api

        return getattr(api, name)
    raise AttributeError(name)
