"""Page script (st.Page in app.py): the logic is in vacscreen.ui.screen."""
from vacscreen.ui.common import run_safely
from vacscreen.ui.screen import page

run_safely(page)
