"""Dependency rules of the static Clarisse reader pinned down on projects written here."""

import os

from rayvision_clarisse import static_analysis
from rayvision_clarisse.project_parser import parse_project
from rayvision_clarisse.static_analysis import (
    MAX_REFERENCE_DEPTH,
    analyse_project,
    join_path,
    project_variables,
)
from rayvision_utils.exception import tips_code

HEADER = ("#Isotropix_Serial_Version 1.2\n\n#Isotropix_Clarisse_Version 4.0\n"
          "#Isotropix_Clarisse_Project_Version 0.94\n")


def write_project(path, body):
    path.write_text(HEADER + body)
    return str(path)


def analyse(path):
    with open(path, encoding="utf-8") as handle:
        project = parse_project(handle.read(), os.path.basename(path))
    return analyse_project(project, path, environ={})


def uploads(result):
    return sorted(os.path.basename(path) for path in result.upload_files)


def test_join_path_never_doubles_the_separator():
    assert join_path("project://", "scene") == "project://scene"
    assert join_path("project://scene", "cam") == "project://scene/cam"


def test_pdir_is_the_project_folder_whatever_the_environment(tmp_path):
    variables = project_variables(str(tmp_path), {"PDIR": "/elsewhere", "CDIR": "/x"})
    assert variables["PDIR"] == variables["CDIR"] == str(tmp_path).replace("\\", "/")


def test_referenced_projects_are_read_as_deep_as_the_limit_and_no_deeper(tmp_path):
    deepest = MAX_REFERENCE_DEPTH + 1
    for level in range(1, deepest + 1):
        (tmp_path / "tex{0}.png".format(level)).write_bytes(b"x")
        body = ('Context "c" {{\n    TextureMapFile {{\n        name "t"\n'
                '        filename "$PDIR/tex{0}.png"\n    }}\n').format(level)
        if level < deepest:
            body += '    Context "r" {{\n        filename "$PDIR/r{0}.project"\n    }}\n'.format(
                level + 1)
        write_project(tmp_path / "r{0}.project".format(level), body + "}\n")
    main = write_project(tmp_path / "main.project",
                         'Context "r" {\n    filename "$PDIR/r1.project"\n}\n')
    found = uploads(analyse(main))
    assert "tex{0}.png".format(MAX_REFERENCE_DEPTH) in found
    assert "r{0}.project".format(deepest) in found
    assert "tex{0}.png".format(deepest) not in found


def test_custom_file_attributes_embedded_objects_and_outputs(tmp_path):
    for name in ("room.png", "inner.png"):
        (tmp_path / name).write_bytes(b"x")
    main = write_project(tmp_path / "main.project", r'''Context "scene" {
    MaterialOSL {
        name "osl"
        custom_attributes {
            attribute_group "input" {
                filename_open "OSL_filename" {
                    value "$PDIR/room.png"
                }
            }
        }
    }
    Image {
        name "beauty"
        save_as "$PDIR/room.png"
        embedded_objects {
            TextureMapFile {
                name "inner"
                filename "$PDIR/inner.png"
            }
        }
    }
}
''')
    result = analyse(main)
    assert uploads(result) == ["inner.png", "room.png"]
    assert list(result.asset["Output"]) == ["project://scene/beauty.save_as"]
    assert "project://scene/beauty.save_as" not in result.asset["Normal"]


def test_a_missing_file_is_missing_with_a_tip(tmp_path):
    main = write_project(tmp_path / "main.project", '''Context "scene" {
    TextureMapFile {
        name "gone"
        filename "$PDIR/gone.png"
    }
}
''')
    result = analyse(main)
    assert list(result.asset["Miss"]) == ["project://scene/gone.filename"]
    assert tips_code.MISSING_FILE in result.tips


def test_file_attributes_need_no_known_extension_and_item_links_are_no_files(tmp_path):
    (tmp_path / "points.custom").write_bytes(b"x")
    main = write_project(tmp_path / "main.project", '''Context "scene" {
    GeometryPolyfile {
        name "data"
        filename "$PDIR/points.custom"
    }
    TextureMapFile {
        name "link"
        filename "project://scene/data"
    }
}
''')
    result = analyse(main)
    assert uploads(result) == ["points.custom"]
    assert not result.asset["Miss"]
    assert not result.tips


def test_an_alembic_reference_is_uploaded_not_parsed_and_two_values_keep_two_keys(tmp_path):
    for name in ("set.abc", "a.png", "b.png"):
        (tmp_path / name).write_bytes(b"x")
    main = write_project(tmp_path / "main.project", '''Context "set" {
    filename "$PDIR/set.abc"
}
Context "scene" {
    TextureMapFile {
        name "pair"
        filename "$PDIR/a.png" "$PDIR/b.png"
    }
}
''')
    result = analyse(main)
    assert uploads(result) == ["a.png", "b.png", "set.abc"]
    assert list(result.asset["Reference"]) == ["project://set"]
    assert not result.errors and not result.tips
    assert sorted(result.asset["Normal"]) == ["project://scene/pair.filename[0]",
                                              "project://scene/pair.filename[1]"]


def _image_names(result):
    return sorted(entry["name"] for entry in result.scene_info["image_node"])


def test_a_project_referenced_twice_renders_its_images_in_both_contexts(tmp_path):
    (tmp_path / "refs").mkdir()
    write_project(tmp_path / "refs" / "asset.project",
                  'Context "geo" {\n    Image {\n        name "img"\n'
                  '        first_frame 1\n        last_frame 2\n    }\n}\n')
    main = write_project(tmp_path / "shot.project",
                         'Context "scene" {\n'
                         '    Context "a" {\n        filename "$PDIR/refs/asset.project"\n    }\n'
                         '    Context "b" {\n        filename "$PDIR/refs/asset.project"\n    }\n'
                         '}\n')
    result = analyse(main)
    assert _image_names(result) == ["project://scene/a/geo/img", "project://scene/b/geo/img"]
    assert uploads(result) == ["asset.project"]


def test_layers_a_referenced_project_names_by_full_name_are_its_own(tmp_path):
    # In asset.project the layer is project://geo/lay; referenced under project://scene/a it
    # is project://scene/a/geo/lay, and that is what the image renders.
    (tmp_path / "refs").mkdir()
    write_project(tmp_path / "refs" / "asset.project",
                  'Context "geo" {\n    Image {\n        name "img"\n'
                  '        layers "project://geo/lay"\n    }\n'
                  '    Layer3d {\n        name "lay"\n    }\n}\n')
    main = write_project(tmp_path / "shot.project",
                         'Context "scene" {\n'
                         '    Context "a" {\n        filename "$PDIR/refs/asset.project"\n    }\n'
                         '}\n')
    [image] = analyse(main).scene_info["image_node"]
    assert [layer["name"] for layer in image["layers"]] == ["project://scene/a/geo/lay"]


def test_an_output_written_as_an_attribute_block_is_an_output_not_a_missing_input(tmp_path):
    main = write_project(tmp_path / "shot.project",
                         'Context "scene" {\n    Image {\n        name "img"\n'
                         '        save_as {\n            value "$PDIR/out/img.####.exr"\n'
                         '        }\n    }\n}\n')
    result = analyse(main)
    assert result.asset["Miss"] == {}
    assert tips_code.MISSING_FILE not in result.tips
    assert list(result.asset["Output"].values()) == ["$PDIR/out/img.####.exr"]
    assert result.scene_info["image_node"][0]["output"] == "$PDIR/out/img.####.exr"


def test_a_custom_save_file_attribute_is_an_output(tmp_path):
    # A custom attribute with the "save" file hint names a file written, as the DCC backend
    # (VISUAL_HINT_FILENAME_SAVE) says: never a missing input.
    main = write_project(tmp_path / "main.project", r'''Context "scene" {
    MaterialOSL {
        name "osl"
        custom_attributes {
            attribute_group "output" {
                filename_save "bake_to" {
                    value "$PDIR/bake/out.exr"
                }
            }
        }
    }
}
''')
    result = analyse(main)
    assert result.asset["Miss"] == {}
    assert tips_code.MISSING_FILE not in result.tips
    assert list(result.asset["Output"].values()) == ["$PDIR/bake/out.exr"]


def _count_reads(monkeypatch):
    reads = []
    real = static_analysis.read_for_analysis

    def counting(path, *args, **kwargs):
        reads.append(os.path.basename(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(static_analysis, "read_for_analysis", counting)
    return reads


def test_a_project_referenced_by_several_contexts_is_read_once(tmp_path, monkeypatch):
    (tmp_path / "refs").mkdir()
    write_project(tmp_path / "refs" / "asset.project",
                  'Context "geo" {\n    Image {\n        name "img"\n    }\n}\n')
    contexts = "".join('    Context "c{0}" {{\n        filename "$PDIR/refs/asset.project"\n'
                       '    }}\n'.format(number) for number in range(5))
    main = write_project(tmp_path / "shot.project", 'Context "scene" {\n' + contexts + '}\n')
    reads = _count_reads(monkeypatch)
    assert len(_image_names(analyse(main))) == 5
    assert reads == ["asset.project"]


def test_references_multiplying_along_a_chain_are_bounded(tmp_path, monkeypatch):
    # Each level references the next one from two contexts: 2**12 instances in all, each
    # file read once, and the walk stops at MAX_REFERENCE_INSTANCES with a tip.
    levels = 12
    for level in range(levels):
        body = 'Context "l{0}" {{\n    Image {{\n        name "img"\n    }}\n'.format(level)
        if level + 1 < levels:
            body += "".join('    Context "{0}" {{\n        filename "$PDIR/l{1}.project"\n'
                            '    }}\n'.format(side, level + 1) for side in ("a", "b"))
        write_project(tmp_path / "l{0}.project".format(level), body + "}\n")
    reads = _count_reads(monkeypatch)
    result = analyse(str(tmp_path / "l0.project"))
    assert sorted(reads) == sorted("l{0}.project".format(level) for level in range(1, levels))
    assert len(result.scene_info["image_node"]) == static_analysis.MAX_REFERENCE_INSTANCES + 1
    [message] = result.tips[tips_code.CGINFO_FAILED]
    assert "more than {0} instances".format(static_analysis.MAX_REFERENCE_INSTANCES) in message
