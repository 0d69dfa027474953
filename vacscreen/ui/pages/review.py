"""Page script (st.Page in app.py): the logic is in vacscreen.ui.review."""
from vacscreen.ui.common import run_safely
from vacscreen.ui.review import page

run_safely(page)
