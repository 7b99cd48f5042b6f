"""The farm's web monitor: tasks, frames as they render, storages, fault settings.

Served by the farm's own server under ``/monitor`` (plain HTML, a style sheet and a small
script shipped in ``static/``); see ``docs/sandbox.md``.
"""

from rayvision_sandbox.monitor.app import MonitorApp, RootApp

__all__ = ["MonitorApp", "RootApp"]
