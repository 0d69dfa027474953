"""Page script (st.Page in app.py): the logic is in vacscreen.ui.models."""
from vacscreen.ui.common import run_safely
from vacscreen.ui.models import page

run_safely(page)
