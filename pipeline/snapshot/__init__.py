"""The weekly PDF snapshot the secretariat circulates (see render.py)."""
