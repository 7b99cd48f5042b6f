"""Task preparation: ``check.RayvisionCheck`` and the legacy ``handle.RayvisionTask``."""
