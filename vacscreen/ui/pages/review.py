"""Page script (st.Page in app.py): the logic is in vacscreen.ui.review."""
from vacscreen.ui.common import veilig
from vacscreen.ui.review import page

veilig(page)
