"""Page script (st.Page in app.py): the logic is in vacscreen.ui.models."""
from vacscreen.ui.common import veilig
from vacscreen.ui.models import page

veilig(page)
