"""Page script (st.Page in app.py): the logic is in vacscreen.ui.models."""
from vacscreen.ui.models import page

page()
