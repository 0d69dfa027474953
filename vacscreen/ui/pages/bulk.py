"""Page script (st.Page in app.py): the logic is in vacscreen.ui.bulk."""
from vacscreen.ui.common import run_safely
from vacscreen.ui.bulk import page

run_safely(page)
