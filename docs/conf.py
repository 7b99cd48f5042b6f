"""Sphinx configuration of the rayvision SDK documentation."""

project = "rayvision SDK"
author = "rayvision SDK developers"
copyright = "2026, rayvision SDK developers"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "dev", "Thumbs.db", ".DS_Store"]
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
napoleon_google_docstring = True
napoleon_numpy_docstring = False
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": True}
# Modules that only exist inside a DCC's own interpreter.
autodoc_mock_imports = ["maya", "hou", "ix", "pymel"]
html_theme = "alabaster"
suppress_warnings = ["myst.xref_missing"]
