"""Page script (st.Page in app.py): the logic is in vacscreen.ui.bulk."""
from vacscreen.ui.bulk import page

page()
