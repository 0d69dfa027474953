"""Page script (st.Page in app.py): the logic is in vacscreen.ui.about."""
from vacscreen.ui.common import veilig
from vacscreen.ui.about import page

veilig(page)
