"""vacscreen — vacatures screenen op te hoge en discriminerende eisen (Streamlit).

    streamlit run app.py

The pages live in vacscreen/ui/ (one module per page; the scripts st.Page runs are in vacscreen/ui/pages/).
"""
from __future__ import annotations

import streamlit as st

from vacscreen.ui import PAGES, PAGES_DIR
from vacscreen.ui.common import warm_up

st.set_page_config(page_title="vacscreen", page_icon="🔎", layout="wide")
warm_up()  # the models load in the background from the first page load on

pages = [st.Page(PAGES_DIR / script, title=title, icon=icon, url_path=url, default=url is None)
         for script, title, icon, url in PAGES]
st.navigation(pages).run()
