"""The ``rayvision`` commands, one module per group; each has ``register()``."""
