"""Language identification with py3langid, restricted to languages plausible in Belgian/Dutch vacancies."""
from __future__ import annotations

import re
import threading
from itertools import islice

LANGUAGES = {
    "nl": "Dutch",
    "en": "English",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "pl": "Polish",
    "ro": "Romanian",
    "tr": "Turkish",
}
DEFAULT = "nl"
MIN_LETTERS = 40  # fewer letters than this: too short to judge, assume Dutch
SAMPLE_CHARS = 2000  # py3langid runs on at most this many characters ...
QUICK_CHARS = 300  # ... but first on this many (py3langid costs ~0.5 µs per character)
QUICK_CONFIDENCE = 0.99  # a quick "nl" at least this sure is final

_LETTER_RE = re.compile(r"[^\W\d_]")
_identifier = None
_lock = threading.Lock()


def _get_identifier():
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                ident.set_languages(list(LANGUAGES))
                _identifier = ident
    return _identifier


def _enough_letters(s: str) -> bool:
    """At least MIN_LETTERS letters: counted only that far (counting all of a 2,000-character sample cost more)."""
    return sum(1 for _ in islice(_LETTER_RE.finditer(s), MIN_LETTERS)) >= MIN_LETTERS


def detect(text: str, start: int = 0) -> str:
    """ISO 639-1 code of ``text``, judged on SAMPLE_CHARS characters from ``start``.

    The first QUICK_CHARS characters settle clearly Dutch texts; anything else (another language,
    or an unsure verdict) is judged on the full sample.

    ``start`` lets the caller skip boilerplate (the VDAB field block is always Dutch). If the
    sample holds too few letters the beginning of the text is used; "nl" when still too short.
    """
    sample = text[start : start + SAMPLE_CHARS]
    if not _enough_letters(sample):
        sample = text[:SAMPLE_CHARS]
        if not _enough_letters(sample):
            return DEFAULT
    ident = _get_identifier()
    if len(sample) > QUICK_CHARS:
        lang, conf = ident.classify(sample[:QUICK_CHARS])
        if lang == DEFAULT and conf >= QUICK_CONFIDENCE:
            return lang
    lang, _conf = ident.classify(sample)
    return lang


def language_name(code: str) -> str:
    return LANGUAGES.get(code, code)
