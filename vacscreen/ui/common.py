"""Shared pieces of the Streamlit pages: the models and the label store (once per server), Dutch labels and the
Dutch wording of the library's (English) input errors and warnings."""
from __future__ import annotations

import gc
import re
from typing import Optional

import streamlit as st

from vacscreen.vocab import FLAG_LABELS, LANGUAGE_NAMES

# -- Dutch labels: vacscreen/vocab.py ---------------------------------------------------------------------------------


_MARKUP = re.compile(r"([!-/:-@\[-`{-~])")
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?i:(?<=www))(?=\.)|(?<=@)")


def plain(text) -> str:
    """Text (from a vacancy, a file or a user) to put inside st.markdown as itself: every ASCII punctuation mark is
    backslash-escaped, as CommonMark allows, so no link, image, heading, emphasis, HTML, LaTeX ($) or Streamlit
    directive (":red[...]") comes from it, and a browser never fetches an address written in a vacancy. Streamlit's
    Markdown also turns bare addresses into links after escapes are read (GFM autolinks): an invisible word joiner
    after "://", "www" and "@" keeps them text."""
    return _MARKUP.sub(r"\\\1", _AUTOLINK.sub("\u2060", str(text)))


def flag_label(kind: Optional[str]) -> str:
    return FLAG_LABELS.get(kind, kind or "")


# -- resources, once per server process -----------------------------------------------------------------------------
@st.cache_resource(show_spinner="Model laden …")
def pipeline():
    """vacscreen.screen with its spaCy pipeline, the occupation linker and the flag model loaded once per server
    process (a model switch on the Modellen page reloads the default Screener through vacscreen.retrain)."""
    from vacscreen.api import screen, warm_up

    warm_up()  # waits for a load already started by `vacscreen app` or warm_up() below
    # The loaded models are half a million long-lived objects: without freezing them, Streamlit's garbage
    # collection after every run walks them all (0.3-0.5 s per click; bench/bench_browser.py).
    gc.collect()
    gc.freeze()
    return screen


@st.cache_resource(show_spinner=False)
def warm_up():
    """Once per server process, at the first page load: load the models in a background thread (a no-op wait when
    `vacscreen app` started loading them with the server). Returns the thread."""
    import threading

    def load() -> None:
        try:
            from vacscreen.api import warm_up as load_models

            load_models()
        except Exception:  # noqa: BLE001 - the first real screening loads them again and shows any error
            pass

    # not a daemon: a process that exits while torch is loading would abort ("terminate called ..."); it waits instead
    thread = threading.Thread(target=load, name="vacscreen-warm-up", daemon=False)
    thread.start()
    return thread


def _close(store) -> None:
    try:
        store.close()
    except Exception:  # noqa: BLE001
        pass


@st.cache_resource(show_spinner=False, on_release=_close)
def label_store(url: Optional[str] = None):
    """The review label store: Store() = VACSCREEN_DB, else the default SQLite file. Opened once per server process
    and URL (Store is safe to share between threads). Raises when the database cannot be opened (not cached then).
    label_store.clear() closes it."""
    return new_store(url)


def new_store(url: Optional[str] = None):
    """Store(url), migrated, with a first admin account when it has none."""
    import os
    import sys

    from vacscreen.review import Store

    store = Store(url)
    # the first start of a store without accounts creates "admin": VACSCREEN_ADMIN_PASSWORD, else a random password
    # printed once on the server's console (the terminal of `make run`), never in a browser
    generated = store.ensure_admin(os.environ.get("VACSCREEN_ADMIN_PASSWORD") or None)
    if generated:
        print(f"vacscreen: account 'admin' aangemaakt met wachtwoord {generated} (eenmalig getoond; wijzig het met "
              f"`vacscreen users password admin`)", file=sys.stderr, flush=True)
    return store


def open_store():
    """(store, None) or (None, Dutch error message). The store of the current VACSCREEN_DB (or the default file)."""
    try:
        from vacscreen.review import default_url

        return label_store(default_url()), None
    except Exception as e:  # noqa: BLE001 - shown to the user, never a traceback
        return None, f"De labeldatabank kan niet geopend worden ({type(e).__name__}: {e})."


# -- Dutch wording of library messages ------------------------------------------------------------------------------
_MESSAGES = [
    (r"input looks like binary data", "dit lijkt een binair bestand (bv. een afbeelding of PDF), geen tekst"),
    (r"^input is empty", "de invoer is leeg"),
    (r"^no input", "er is geen invoer"),
    (r"only whitespace", "de invoer bevat alleen witruimte"),
    (r"HTML input contains no text", "de HTML bevat geen tekst"),
    (r"too long", "de tekst is te lang"),
    (r"UTF-16", "het bestand begint als UTF-16 maar is geen UTF-16-tekst"),
    (r"neither UTF-8 nor Windows-1252|do not decode to readable", "de tekens van het bestand zijn niet leesbaar "
                                                                   "(geen UTF-8 of Windows-1252)"),
    (r"input was HTML", "de invoer was HTML en is naar tekst omgezet; de markeringen staan in de HTML-bron"),
    (r"not UTF-8; decoded as Windows-1252", "het bestand was geen UTF-8 en is als Windows-1252 gelezen"),
    (r"very long text", "zeer lange tekst"),
    (r"lone surrogates", "de tekst bevatte ongeldige tekens; ze staan er als \ufffd"),
    (r"must be text, got", "de titel of het beroep is geen tekst"),
]
_LANGUAGE_RE = re.compile(r"language: text looks (\w+) \((\w+)\), not Dutch")

# The provenance of an occupation profile (occupations/profiles.py) in Dutch for the page; the exact source stays
# in the JSON output. First matching pattern wins; an unknown source is shown as written.
_SOURCES = [
    (r"^ESCO regulatedProfessionNote \S*/unregulated", "ESCO: geen gereglementeerd beroep"),
    (r"^ESCO regulatedProfessionNote", "ESCO: gereglementeerd beroep"),
    (r"beroepskwalificatie/(BK-[\w-]+)", r"beroepskwalificatie \1 (Vlaamse kwalificatiedatabank)"),
    (r"^knelpuntberoepen\.csv \(VDAB list (\d+)\)", r"lijst knelpuntberoepen \1 (VDAB)"),
    (r"gives no reasons per occupation", "de lijst knelpuntberoepen geeft geen redenen per beroep"),
    (r"^not (a bottleneck occupation|on knelpuntberoepen)", "geen knelpuntberoep volgens de lijst van VDAB"),
    (r"^occupation_profiles\.csv row (\d+)", r"beroepsprofielen van vacscreen, rij \1"),
    (r"estimated from the nearest ESCO occupation '([^']+)'",
     r"niveau geschat via het verwante ESCO-beroep '\1' en de ISCO-08-hoofdgroep"),
    (r"ISCO-08 major group (\d)", r"niveau geschat uit ISCO-08-hoofdgroep \1"),
    (r"^fallback on ISCO-08 major group", "niveau geschat uit de ISCO-08-hoofdgroep"),
    (r"^default: no legal requirement", "geen wettelijke vereiste bekend"),
    (r"annotat", "niveau zoals de annotatoren het in vacatures gaven"),
]


def first_rewrite(rules: list[tuple[str, str]], text: str) -> str:
    """The replacement (with \\1-style groups) of the first rule whose pattern matches the text; else the text."""
    for pattern, replacement in rules:
        m = re.search(pattern, text)
        if m:
            return m.expand(replacement)
    return text


def source_nl(source: str) -> str:
    """A profile source in Dutch (see _SOURCES)."""
    return first_rewrite(_SOURCES, source)


def nl(message: str) -> str:
    """A library message (InputError, Screening.warnings) in Dutch, with the original after it."""
    m = _LANGUAGE_RE.search(message)
    if m:
        language = LANGUAGE_NAMES.get(m.group(2), m.group(1))
        return (f"de tekst lijkt {language}, niet Nederlands; de resultaten kunnen onvolledig zijn "
                f"(technisch: {message})")
    for pattern, dutch in _MESSAGES:
        if re.search(pattern, message):
            return f"{dutch} (technisch: {message})"
    return message


def error_text(e: BaseException) -> str:
    """An unexpected error as one line for st.error/st.warning (never a traceback), escaped: a message may quote
    the input."""
    return plain(f"{type(e).__name__}: {e}")


def run_safely(page) -> None:
    """Run a page; an unexpected error becomes an st.error message (and a log entry), never a traceback.
    Streamlit's rerun/stop signals are BaseExceptions and pass through."""
    try:
        page()
    except Exception as e:  # noqa: BLE001
        import logging

        logging.getLogger("vacscreen.ui").exception("page failed")
        st.error(f"Er ging iets mis op deze pagina ({error_text(e)}). Laad de pagina opnieuw; blijft het "
                 "misgaan, meld het dan met deze melding.")
