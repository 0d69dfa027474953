"""Logging in on the pages that need an account (issue 20): streamlit-authenticator over the accounts of the label
store (bcrypt hashes; `vacscreen users ...`). Screening needs no account; reviewing needs the role reviewer, model
actions admin. The role is read from the store on every run, so a changed role counts at once."""
from __future__ import annotations

import os
import secrets
from typing import Optional

import streamlit as st

from vacscreen.review.accounts import role_at_least
from vacscreen.ui.common import plain

ROLE_NL = {"reviewer": "reviewer", "lead": "hoofdreviewer", "admin": "beheerder"}
FIELDS = {"Form name": "Aanmelden", "Username": "Gebruikersnaam", "Password": "Wachtwoord", "Login": "Aanmelden"}


@st.cache_resource
def _cookie_key() -> str:
    """The key that signs the login cookie: VACSCREEN_COOKIE_KEY, else a random one per server process (a restart
    then asks everyone to log in again)."""
    return os.environ.get("VACSCREEN_COOKIE_KEY") or secrets.token_hex(32)


def _authenticator(store):
    import streamlit_authenticator as stauth

    return stauth.Authenticate(store.credentials(), cookie_name="vacscreen_login", cookie_key=_cookie_key(),
                               cookie_expiry_days=1, auto_hash=False)


def account(store, needed: str, purpose: str) -> Optional[str]:
    """The logged-in username when its role includes `needed`; otherwise the login form or a refusal is shown and
    None returned. `purpose` says in Dutch what the page needs the account for."""
    ss = st.session_state
    auth = _authenticator(store)
    if not ss.get("authentication_status"):
        st.info(f"Meld je aan om {purpose}.")
        auth.login(location="main", fields=FIELDS, key="aanmelden")
        if ss.get("authentication_status") is False:
            st.error("Gebruikersnaam of wachtwoord klopt niet.")
        if not ss.get("authentication_status"):
            return None
    username = ss.get("username")
    role = store.role_of(username)
    with st.sidebar:
        st.caption(f"Aangemeld als {plain(username)} ({ROLE_NL.get(role, 'geen account meer')})")
        auth.logout("Afmelden", location="sidebar", key="afmelden")
    if not role_at_least(role, needed):
        st.error(f"Je account mag dit niet: hiervoor is de rol {ROLE_NL[needed]} nodig.")
        return None
    return username
