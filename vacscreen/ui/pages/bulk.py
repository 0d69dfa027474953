"""Page script (st.Page in app.py): the logic is in vacscreen.ui.bulk."""
from vacscreen.ui.common import veilig
from vacscreen.ui.bulk import page

veilig(page)
