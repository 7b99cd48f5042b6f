"""Stand-in for Maya's ``maya`` package inside an interactive Maya: ``cmds`` and ``utils``."""
