import pickle

import pytest

from rayvision_api import exception


def test_rayvision_error():
    err = exception.RayvisionError(1000000, "boom")
    assert (err.error_code, err.error) == (1000000, "boom")
    assert str(err) == "RayvisionError: 1000000: boom"
    assert err.args == (1000000, "boom")


def test_task_id_error_code_is_2000_in_both_forms():
    err = exception.RayvisonTaskIdError(10006, "task_id must int !!!!")
    assert err.error_code == 2000
    assert str(err) == "Error code: 2000, Error message: task_id must int !!!!"
    short = exception.RayvisonTaskIdError("bad id")
    assert (short.error_code, short.error) == (2000, "bad id")


def test_api_error():
    err = exception.RayvisionAPIError(611, "SIGNATURE_INVALID", "https://x/y")
    assert str(err) == "Error code: 611, Error message: SIGNATURE_INVALID, URL: https://x/y"
    assert isinstance(err, exception.RayvisionError)
    assert issubclass(exception.RayvisionTransportError, exception.RayvisionAPIError)


@pytest.mark.parametrize("err", [
    exception.RayvisionError(1, "a"),
    exception.RayvisonTaskIdError(10006, "b"),
    exception.RayvisionArgumentError("c"),
    exception.RayvisionLookupError("d"),
    exception.RayvisionAPIError(600, "e", "u"),
    exception.RayvisionTransportError(503, "f", "u"),
])
def test_exceptions_pickle(err):
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is type(err)
    assert str(copy) == str(err)
    assert copy.error_code == err.error_code


def test_analyze_errors():
    names = ["MaxDamageError", "MaxExeNotExistError", "CGExeNotExistError",
             "ProjectMaxVersionError", "GetCGVersionError", "GetRendererError",
             "GetCGLocationError", "MultiScatterAndVrayConfilictError", "VersionNotMatchError",
             "CGFileNotExistsError", "CGFileZipFailError", "CGFileNameIllegalError",
             "AnalyseFailError", "FileNameContainsChineseError"]
    for name in names:
        assert issubclass(getattr(exception, name), exception.AnalyzeError)
    assert not issubclass(exception.CompressionFailedError, exception.AnalyzeError)
    assert issubclass(exception.DecompressionFailedError, Exception)


def test_http_error_processor_lets_400_through():
    class Parent(object):
        def error(self, *args):
            return "handled"

    class Response(object):
        def __init__(self, code):
            self.code, self.msg = code, "m"

        def info(self):
            return {}

    processor = exception.RayvisionHTTPErrorProcessor()
    processor.parent = Parent()
    ok, bad_request, server = Response(200), Response(400), Response(500)
    assert processor.http_response(None, ok) is ok
    assert processor.http_response(None, bad_request) is bad_request
    assert processor.http_response(None, server) == "handled"
