__version__ = "1.1.1.post1"
