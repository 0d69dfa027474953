"""Page script (st.Page in app.py): the logic is in vacscreen.ui.about."""
from vacscreen.ui.common import run_safely
from vacscreen.ui.about import page

run_safely(page)
