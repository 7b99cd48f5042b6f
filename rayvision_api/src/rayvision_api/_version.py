__version__ = "1.1.4.post1"
