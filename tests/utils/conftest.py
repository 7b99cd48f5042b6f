import os
import sys

import pytest


@pytest.fixture
def workspace(tmp_path):
    folder = tmp_path / "ws"
    folder.mkdir()
    return str(folder)


@pytest.fixture
def python_exe():
    return sys.executable


@pytest.fixture
def make_file(tmp_path):
    def _make(relative, content=b"x"):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return str(path).replace(os.sep, "/")
    return _make
