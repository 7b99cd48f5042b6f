"""A stand-in for Maya's ``maya`` package: only ``maya.cmds``, backed by a scene description."""
