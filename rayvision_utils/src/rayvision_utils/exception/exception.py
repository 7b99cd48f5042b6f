"""The SDK's exception hierarchy, re-exported.

These are the classes of :mod:`rayvision_api.exception` themselves, not copies, so
``except rayvision_api.exception.RayvisionError`` catches errors raised here and vice versa.
The names are imported one by one (no loop filling the module namespace) so that static
tools and IDEs see them, and ``from rayvision_utils.exception.exception import *`` gives
every one of them.
"""

from rayvision_api.exception import (  # noqa: F401 - re-exported
    AnalyseFailError,
    AnalyzeError,
    CGExeNotExistError,
    CGFileNameIllegalError,
    CGFileNotExistsError,
    CGFileZipFailError,
    CompressionFailedError,
    DecompressionFailedError,
    FileNameContainsChineseError,
    GetCGLocationError,
    GetCGVersionError,
    GetRendererError,
    MaxDamageError,
    MaxExeNotExistError,
    MultiScatterAndVrayConfilictError,
    ProgressCallbackError,
    ProjectMaxVersionError,
    RayvisionAPIError,
    RayvisionArgumentError,
    RayvisionCancelledError,
    RayvisionConnectionError,
    RayvisionError,
    RayvisionHTTPErrorProcessor,
    RayvisionJSONDecodeError,
    RayvisionLookupError,
    RayvisionOutcomeUnknownError,
    RayvisionResponseDecodeError,
    RayvisionTransportError,
    RayvisonTaskIdError,
    VersionNotMatchError,
)

__all__ = [
    "AnalyseFailError",
    "AnalyzeError",
    "CGExeNotExistError",
    "CGFileNameIllegalError",
    "CGFileNotExistsError",
    "CGFileZipFailError",
    "CompressionFailedError",
    "DecompressionFailedError",
    "FileNameContainsChineseError",
    "GetCGLocationError",
    "GetCGVersionError",
    "GetRendererError",
    "MaxDamageError",
    "MaxExeNotExistError",
    "MultiScatterAndVrayConfilictError",
    "ProgressCallbackError",
    "ProjectMaxVersionError",
    "RayvisionAPIError",
    "RayvisionArgumentError",
    "RayvisionCancelledError",
    "RayvisionConnectionError",
    "RayvisionError",
    "RayvisionHTTPErrorProcessor",
    "RayvisionJSONDecodeError",
    "RayvisionLookupError",
    "RayvisionOutcomeUnknownError",
    "RayvisionResponseDecodeError",
    "RayvisionTransportError",
    "RayvisonTaskIdError",
    "VersionNotMatchError",
]
