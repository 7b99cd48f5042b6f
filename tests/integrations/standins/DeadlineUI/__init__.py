"""Stand-in for Deadline Monitor's UI package (see ../README.md)."""
