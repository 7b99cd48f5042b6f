"""The sample scenes: committed binaries match their generator, and every file is real."""

import os
import struct
import subprocess
import sys
import zlib

import pytest

from rayvision_houdini.hip_container import read_hip_file

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENES = os.path.join(ROOT, "examples", "scenes")


def png_size(data):
    """(width, height) of a PNG after checking its signature, chunk CRCs and pixel data."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks = 8, {}
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        kind = data[offset + 4:offset + 8]
        body = data[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length:offset + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, kind
        chunks.setdefault(kind, b"")
        chunks[kind] += body
        offset += 12 + length
    assert list(chunks)[-1] == b"IEND"
    width, height, depth, color = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, color) == (8, 2)
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + 3 * width)
    return width, height


def test_committed_binaries_match_the_generator():
    result = subprocess.run([sys.executable, os.path.join(SCENES, "make_sample_files.py"),
                             "--check"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    assert result.returncode == 0, result.stdout


def test_generator_writes_the_same_bytes(tmp_path):
    subprocess.run([sys.executable, os.path.join(SCENES, "make_sample_files.py"),
                    "--root", str(tmp_path)], check=True, stdout=subprocess.PIPE)
    written = sorted(os.path.relpath(os.path.join(r, f), str(tmp_path))
                     for r, _d, files in os.walk(str(tmp_path)) for f in files)
    assert len(written) == 12
    for relative in written:
        with open(os.path.join(str(tmp_path), relative), "rb") as fresh, \
                open(os.path.join(SCENES, relative), "rb") as committed:
            assert fresh.read() == committed.read(), relative


@pytest.mark.parametrize("relative", sorted(
    os.path.relpath(os.path.join(r, f), SCENES) for r, _d, files in os.walk(SCENES)
    for f in files if f.endswith(".png")))
def test_textures_are_valid_pngs(relative):
    with open(os.path.join(SCENES, relative), "rb") as handle:
        width, height = png_size(handle.read())
    assert 8 <= width <= 64 and 8 <= height <= 64


def test_hip_is_a_houdini_cpio_archive():
    container = read_hip_file(os.path.join(SCENES, "houdini", "rock_turntable.hip"))
    assert container.kind == "hip"
    assert not container.warnings
    assert "_HIP_SAVEVERSION = '17.5.293'" in container.text(".variables")
    assert "out/mantra1.parm" in container.names()


def test_obj_files_are_wavefront_meshes():
    objs = [os.path.join(r, f) for r, _d, files in os.walk(SCENES) for f in files
            if f.endswith(".obj")]
    assert len(objs) == 8
    for path in objs:
        with open(path) as handle:
            lines = handle.read().splitlines()
        assert sum(line.startswith("v ") for line in lines) == 8
        assert sum(line.startswith("f ") for line in lines) == 6
