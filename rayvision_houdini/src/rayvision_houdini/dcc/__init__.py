"""Scripts that run inside hython (Python 2.7 and 3): ``HfsBase.py`` and ``HfsSql.py``."""
