"""Values naming a texture, image or colour file by extension alone (an attribute whose name
says nothing of files) are input files, whether the project is read whole or pruned."""

import os

import pytest

from rayvision_clarisse.project_parser import read_project_file
from rayvision_clarisse.static_analysis import (
    LEAN_ATTRS,
    PRUNING,
    analyse_project,
    read_for_analysis,
)

#: Extensions of files Clarisse reads (OpenImageIO images, OpenColorIO configs and LUTs).
EXTENSIONS = ["ptx", "cube", "3dl", "jp2", "iff", "sgi", "csp", "lut", "spi1d", "spi3d",
              "ocio", "hdr", "tex", "CUBE", "3DL"]


def _project(folder, values):
    """A project whose objects name ``values`` under the attribute ``grade``, in a context."""
    lines = ["#Isotropix_Serial_Version 1.2", "#Isotropix_Clarisse_Version 4",
             'Context "scene" {']
    for number, value in enumerate(values):
        lines += ["    TextureMapFile {", '        name "t{0}"'.format(number),
                  "        translate 1.5 2 3", '        grade "{0}"'.format(value),
                  "        opacity 0.5", "    }",
                  "    GeometryPolymesh {", '        name "m{0}"'.format(number),
                  "        rotate 0.25 1.75 2", "    }"]
    lines.append("}")
    path = os.path.join(str(folder), "ext.project")
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("read", ["full", "lean", "pruned"])
def test_values_with_a_known_extension_are_uploaded(tmp_path, read):
    values, expected = [], []
    for extension in EXTENSIONS:
        # One file next to the project (no path character in the value), one in a folder.
        for value in ("grade_{0}.{0}".format(extension), "luts/sub_{0}.{0}".format(extension)):
            (tmp_path / value).parent.mkdir(exist_ok=True)
            (tmp_path / value).write_bytes(b"x")
            values.append(value)
            expected.append(str(tmp_path / value).replace("\\", "/"))
    path = _project(tmp_path, values)
    if read == "pruned":
        result = analyse_project(read_for_analysis(path), path, environ={}, pruning=PRUNING)
    else:
        project = read_project_file(path, lean_attrs=LEAN_ATTRS if read == "lean" else None)
        result = analyse_project(project, path, environ={})
    assert sorted(result.upload_files) == sorted(expected)
    assert not result.asset["Miss"]


@pytest.mark.parametrize("value", ["0.3", "1.5e-05", "2.", "3.14159 2.5"])
def test_decimal_numbers_are_not_files(tmp_path, value):
    path = _project(tmp_path, [value])
    result = analyse_project(read_for_analysis(path), path, environ={}, pruning=PRUNING)
    assert result.upload_files == [] and not result.asset["Miss"]
