"""The SDK's exception hierarchy, re-exported.

These are the classes of :mod:`rayvision_api.exception` themselves, not copies, so
``except rayvision_api.exception.RayvisionError`` catches errors raised here and vice versa.
"""

import rayvision_api.exception as _api_exception

# Classes the lead adds to rayvision_api.exception later are re-exported too.
for _name, _value in vars(_api_exception).items():
    if (isinstance(_value, type) and issubclass(_value, BaseException)
            and _value.__module__ == _api_exception.__name__ and _name not in globals()):
        globals()[_name] = _value
del _name, _value

__all__ = sorted(
    [_name for _name, _value in globals().items()
     if isinstance(_value, type) and issubclass(_value, BaseException)
     and not _name.startswith("_")] + ["RayvisionHTTPErrorProcessor"])
