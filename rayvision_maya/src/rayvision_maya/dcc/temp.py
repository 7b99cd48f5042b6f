# -*- coding: utf-8 -*-
"""Run by ``execfile`` inside Maya on Linux (documented command contract).

The command line defines ``channel`` and ``options_json`` before running this file; for the
``api`` channel the options are read from that json file and the analysis is started.
"""

import io
import json
import sys

_names = globals()
if _names.get("channel") == "api":
    with io.open(_names["options_json"], "r", encoding="utf-8") as _handle:
        _options = json.load(_handle)
    import Analyze

    Analyze.analyze_maya(_options)
else:
    sys.stderr.write("temp.py: unknown channel {}\n".format(repr(_names.get("channel"))))
