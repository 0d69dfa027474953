"""The Streamlit app of vacscreen (app.py): one module per page, the page scripts in vacscreen/ui/pages/.

    streamlit run app.py

Pages (url path): Screenen (/, default), Review (/review), Bulk (/bulk), Modellen (/modellen), Over (/over).
"""
from __future__ import annotations

from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent / "pages"

# (script in vacscreen/ui/pages, title, icon, url_path; None = the default page)
PAGES = [
    ("screenen.py", "Screenen", ":material/search:", None),
    ("review.py", "Review", ":material/fact_check:", "review"),
    ("bulk.py", "Bulk", ":material/table_view:", "bulk"),
    ("modellen.py", "Modellen", ":material/model_training:", "modellen"),
    ("over.py", "Over", ":material/info:", "over"),
]
