"""Code that runs inside Maya (mayapy / maya -batch): Python 2.7 and 3 compatible."""
