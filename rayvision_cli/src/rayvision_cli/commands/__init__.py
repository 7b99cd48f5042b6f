"""One module per group of ``rayvision`` commands; each has ``register(commands, parents, formatter)``."""
