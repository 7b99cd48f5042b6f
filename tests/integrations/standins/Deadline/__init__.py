"""Stand-in for Deadline's scripting package (see ../README.md)."""
