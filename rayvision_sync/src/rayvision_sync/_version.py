"""Version of the rayvision_sync distribution."""

__version__ = "1.1.4.post1"
