"""Fixtures of the Clarisse tests: .project files written by the tests themselves."""

import os
import textwrap

import pytest

from helpers.interpreters import interpreters, resolve

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE_IX_DIR = os.path.join(HERE, "dcc")

HEADER = ("#Isotropix_Serial_Version 1.2\n\n#Isotropix_Clarisse_Version {0}\n"
          "#Isotropix_Clarisse_Project_Version 0.94\n")

MAIN_BODY = r'''Context "scene" {
    #created 1455809270
    CameraPerspective {
        name "cam"
        #version 0.9
        translate 1 2 3
    }
    Image {
        name "beauty"
        first_frame 1
        last_frame 24
        save_as "$PDIR/render/beauty.####.exr"
        format 1
        save_to_disk yes
        lut "sRGB"
        layers ".main" "project://scene/shared_layer" "ghost"
        embedded_objects {
            Layer3d {
                name "main"
                first_frame 1
                last_frame 12
                save_as "$PDIR/render/main.####.exr"
                save_to_disk yes
                enable_deep_output yes
                deep_output_path "D:\\render\\main_deep.####.exr"
            }
        }
    }
    Layer3d {
        name "shared_layer"
        disabled yes
    }
    Image {
        name "preview"
    }
    TextureMapFile {
        name "wood"
        filename "$PDIR/tex/wood.<UDIM>.tx"
    }
    TextureMapFile {
        name "seq"
        filename "$PDIR/tex/anim.####.exr"
    }
    TextureMapFile {
        name "frame"
        filename "$PDIR/tex/f.$4F.png"
    }
    GeometryBundleAlembic {
        name "abc"
        filename "$PDIR/cache/shot.abc"
    }
    GeometryPolyfile {
        name "win"
        filename "D:\\assets\\chair.obj"
    }
    LightPhysicalSphere {
        name "light"
        color {
            value 1 1 1
            texture "project://scene/hdri"
        }
    }
    TextureMapFile {
        name "hdri"
        filename "${HDRI_ROOT}/sky.hdr"
    }
    MaterialOSL {
        name "osl"
        custom_attributes {
            attribute_group "input" {
                filename_open "OSL_filename" {
                    doc "filename"
                    value "$PDIR/osl/room.png"
                }
            }
        }
    }
    TextureMapFile {
        name "unres"
        filename "$NOT_SET_ANYWHERE/x.tx"
    }
    Context "ref" {
        filename "$PDIR/refs/asset.project"
    }
    Context "missing_ref" {
        filename "$PDIR/refs/nope.project"
    }
}
#preferences {
    categories {
        playblast {
            filename "$CTEMP\\blast_#####"
        }
        animation {
            frames_per_second 24
            start_frame 0.0
            end_frame 50
        }
    }
}
'''

REF_BODY = r'''Context "geo" {
    GeometryPolyfile {
        name "rock"
        filename "$PDIR/rock.obj"
    }
    Image {
        name "ref_image"
        first_frame 5
        last_frame 6
    }
    Context "loop" {
        filename "$PDIR/../shot.project"
    }
}
'''


def touch(path, data=b"x"):
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        os.makedirs(folder)
    with open(path, "wb") as handle:
        handle.write(data)
    return path.replace("\\", "/")


def build_standard_project(folder, version="4"):
    folder = str(folder)
    pdir = os.path.join(folder, "proj").replace("\\", "/")
    hdri = os.path.join(folder, "hdri").replace("\\", "/")
    inputs = [
        touch(pdir + "/tex/wood.1001.tx"), touch(pdir + "/tex/wood.1002.tx"),
        touch(pdir + "/tex/anim.0001.exr"), touch(pdir + "/tex/anim.0002.exr"),
        touch(pdir + "/tex/f.0010.png"),
        touch(pdir + "/cache/shot.abc"),
        touch(hdri + "/sky.hdr"),
        touch(pdir + "/osl/room.png"),
        touch(pdir + "/refs/rock.obj"),
    ]
    outputs = [touch(pdir + "/render/beauty.0001.exr"), touch(pdir + "/render/main.0001.exr")]
    ref = pdir + "/refs/asset.project"
    with open(ref, "w") as handle:
        handle.write(HEADER.format(version) + REF_BODY)
    scene = pdir + "/shot.project"
    with open(scene, "w") as handle:
        handle.write(HEADER.format(version) + MAIN_BODY)
    return {"scene": scene, "pdir": pdir, "hdri": hdri, "inputs": inputs + [ref],
            "outputs": outputs, "reference": ref}


@pytest.fixture
def standard_project(tmp_path, monkeypatch):
    paths = build_standard_project(tmp_path)
    monkeypatch.setenv("HDRI_ROOT", paths["hdri"])
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    monkeypatch.delenv("RAYVISION_CNODE", raising=False)
    return paths


@pytest.fixture
def workspace(tmp_path):
    folder = tmp_path / "workspace"
    folder.mkdir()
    return str(folder)


def write_stand_in(folder, interpreter, name="cnode", exit_code=None):
    """A stand-in cnode: ``cnode <project> -script <file>`` runs the file with a fake ix."""
    path = os.path.join(str(folder), name)
    body = textwrap.dedent("""\
        #!{interpreter}
        import json, os, runpy, sys
        log = os.environ.get("FAKE_DCC_ARGV_LOG")
        if log:
            with open(log, "w") as handle:
                json.dump(sys.argv, handle)
        exit_code = {exit_code!r}
        if exit_code is not None:
            sys.stdout.write("cnode stand-in failing on purpose\\n")
            sys.exit(exit_code)
        sys.path.insert(0, {fake_dir!r})
        script = sys.argv[sys.argv.index("-script") + 1]
        sys.argv = [script]
        runpy.run_path(script, run_name="__main__")
        """).format(interpreter=interpreter, exit_code=exit_code, fake_dir=FAKE_IX_DIR)
    with open(path, "w") as handle:
        handle.write(body)
    os.chmod(path, 0o755)
    return path


class _Kit(object):
    HEADER = HEADER
    MAIN_BODY = MAIN_BODY
    touch = staticmethod(touch)
    write_stand_in = staticmethod(write_stand_in)
    build_standard_project = staticmethod(build_standard_project)


@pytest.fixture
def kit():
    return _Kit


def pytest_generate_tests(metafunc):
    if "interpreter" in metafunc.fixturenames:
        found = interpreters()
        metafunc.parametrize("interpreter", found, ids=["py3", "py27"], indirect=True)


@pytest.fixture
def interpreter(request):
    """The interpreter a parametrized in-DCC test runs its script under (2.7 required)."""
    return resolve(request.param)
