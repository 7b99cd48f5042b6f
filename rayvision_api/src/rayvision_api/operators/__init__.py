"""Operator classes: thin methods over the table in :mod:`rayvision_api.operations`."""

from rayvision_api.operators.env import RenderEnv
from rayvision_api.operators.query import Query
from rayvision_api.operators.tag import Tag
from rayvision_api.operators.task import Task
from rayvision_api.operators.user import User

__all__ = ["User", "Task", "Query", "Tag", "RenderEnv"]
