"""Scripts that run inside Clarisse (Python 2.7 and 3): ``clarisse_analyse.py``."""
