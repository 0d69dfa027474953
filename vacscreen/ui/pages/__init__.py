"""Page scripts that app.py hands to st.Page (run as scripts, not imported)."""
