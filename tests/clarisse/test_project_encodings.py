"""Projects whose paths are not UTF-8: a project saved in the Windows code page (cp1252) names
files with accents as its bytes say, so the files are found on disk and uploaded."""

import pytest

from rayvision_clarisse.project_parser import parse_project, read_project_file
from rayvision_clarisse.static_analysis import (
    LEAN_ATTRS,
    PRUNING,
    analyse_project,
    read_for_analysis,
)

HEADER = "#Isotropix_Serial_Version 1.2\n#Isotropix_Clarisse_Version 4\n"


def _body(values):
    lines = ['Context "scène" {']
    for number, value in enumerate(values):
        lines += ["    TextureMapFile {", '        name "t{0}"'.format(number),
                  '        filename "{0}"'.format(value), "    }",
                  "    GeometryPolymesh {", '        name "m{0}"'.format(number), "    }"]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _analyse(path, read):
    if read == "pruned":
        return analyse_project(read_for_analysis(path), path, environ={}, pruning=PRUNING)
    project = read_project_file(path, lean_attrs=LEAN_ATTRS if read == "lean" else None)
    return analyse_project(project, path, environ={})


@pytest.mark.parametrize("read", ["full", "lean", "pruned"])
def test_a_cp1252_project_names_files_with_accents(tmp_path, read):
    names = ["façade_été.png", "Übersicht’s.tx", "niño.exr"]
    for name in names:
        (tmp_path / "tex").mkdir(exist_ok=True)
        (tmp_path / "tex" / name).write_bytes(b"x")
    path = str(tmp_path / "latin.project")
    values = ["$PDIR/tex/" + name for name in names]
    with open(path, "wb") as handle:
        handle.write((HEADER + _body(values)).encode("cp1252"))
    result = _analyse(path, read)
    folder = str(tmp_path / "tex").replace("\\", "/")
    assert sorted(result.upload_files) == sorted(folder + "/" + name for name in names)
    assert not result.asset["Miss"]
    assert not any("\ufffd" in key for key in result.asset["Normal"])


@pytest.mark.parametrize("read", ["full", "lean", "pruned"])
def test_each_value_is_decoded_on_its_own(tmp_path, read):
    # A project edited by two tools: one path in UTF-8, one in cp1252.
    (tmp_path / "été.png").write_bytes(b"x")
    (tmp_path / "hôtel.png").write_bytes(b"x")
    body = _body(["$PDIR/été.png", "$PDIR/HOTEL"]).encode("utf-8")
    body = body.replace(b"HOTEL", "hôtel.png".encode("cp1252"))
    path = str(tmp_path / "mixed.project")
    with open(path, "wb") as handle:
        handle.write(HEADER.encode("ascii") + body)
    result = _analyse(path, read)
    folder = str(tmp_path).replace("\\", "/")
    assert sorted(result.upload_files) == [folder + "/hôtel.png", folder + "/été.png"]


def test_bytes_cp1252_lacks_are_read_as_latin1():
    project = parse_project(HEADER.encode("ascii") + b'Context "c" {\n  A {\n'
                            b'    name "x"\n    v "a\x81\xe9"\n  }\n}\n')
    block = project.contexts()[0].children[0]
    assert block.attrs["v"] == ["a\x81\xe9"]
    # Valid UTF-8 stays UTF-8 (the same letter, two bytes).
    project = parse_project(HEADER + 'Context "c" {\n  A {\n    v "é"\n  }\n}\n')
    assert project.contexts()[0].children[0].attrs["v"] == ["é"]
