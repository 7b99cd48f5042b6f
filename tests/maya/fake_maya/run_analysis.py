"""Run rayvision_maya/dcc/Analyze.py in this interpreter (Python 2.7 or 3) with fake maya.cmds.

Usage: run_analysis.py <fake scene json> <options json> <dcc folder>
The SDK is made unimportable, as it is inside Maya.
"""

import io
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
scene_json, options_json, dcc_dir = sys.argv[1:4]
sys.path.insert(0, here)
sys.path.insert(0, dcc_dir)
sys.modules["rayvision_maya"] = None

import maya.cmds as cmds  # noqa: E402

with io.open(scene_json, encoding="utf-8") as handle:  # noqa: UP020 - runs on 2.7
    cmds.load(json.load(handle))
with io.open(options_json, encoding="utf-8") as handle:  # noqa: UP020 - runs on 2.7
    options = json.load(handle)

import Analyze  # noqa: E402

Analyze.analyze_maya(options)
sys.stdout.write("python {}.{}\n".format(*sys.version_info[:2]))
