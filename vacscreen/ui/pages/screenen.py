"""Page script (st.Page in app.py): the logic is in vacscreen.ui.screen."""
from vacscreen.ui.common import veilig
from vacscreen.ui.screen import page

veilig(page)
