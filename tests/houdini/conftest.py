"""Fixtures of the Houdini tests: scene containers written by the tests themselves.

``HipBuilder`` writes real ``.hip`` cpio archives (and ``HouNC``/``HouLC`` licence-marked
containers) section by section, in the format Houdini saves, so the static reader is tested on
files, not on mocks. ``standard_scene`` builds one scene with every feature the analysis
covers, plus the files it references on disk.
"""

import gzip
import json
import os
import textwrap

import pytest

from helpers.interpreters import interpreters, resolve

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE_HOU_DIR = os.path.join(HERE, "dcc")


def cpio_member(name, body, ino=1):
    """One odc cpio member as Houdini writes it."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    raw_name = name.encode("utf-8") + b"\x00"
    header = (b"070707" + b"000001" + b"%06o" % ino + b"000666" + b"000000" + b"000000"
              + b"000001" + b"000000" + b"%011o" % 1330146711 + b"%06o" % len(raw_name)
              + b"%011o" % len(body))
    assert len(header) == 76
    return header + raw_name + body


def licensed_member(name, body, magic=b"HouNC\x1a"):
    """One member of a HouNC/HouLC container (scrambled 28-hex-digit header)."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    raw_name = name.encode("utf-8") + b"\x00"
    scrambled = "1033600b{0:02x}05d1a4c060{1:08x}".format(
        (len(raw_name) ^ 0xAD) & 0xFF, (len(body) * 2654435761) & 0xFFFFFFFF)
    return magic + scrambled.encode("ascii") + raw_name + body


def quote(value):
    """A parm value as a quoted .parm token."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parm_line(name, *tokens):
    """``name [ 0 locks=0 ] ( tok tok )`` with tabs, as Houdini saves it."""
    return "{0}\t[ 0\tlocks=0 ]\t(\t{1}\t)".format(name, "\t".join(tokens))


class HipBuilder(object):
    """Collect sections, then write a .hip (cpio), .hipnc or .hiplc container."""

    def __init__(self, save_version="18.0.5", variables=None, frange=(1, 48), fps=24, tcur=0):
        self.sections = []
        lines = ["set -g ACTIVETAKE = 'Main'",
                 "set -g HIP = 'D:/saved/elsewhere'",
                 "set -g HIPNAME = 'old'"]
        for key, value in (variables or {}).items():
            lines.append("set -g {0} = '{1}'".format(key, value))
        if save_version is not None:
            lines.append("set -g _HIP_SAVEVERSION = '{0}'".format(save_version))
        lines.append("set -g _HIP_SAVEPLATFORM = 'linux-x86_64-gcc6.3'")
        self.sections.append((".start", "fplayback -i on -r off -f 1\ntcur {0}\nfps {1}\n"
                                        "tset 0 2\nframe {2}\nfrange {2} {3}\n".format(
                                            tcur, fps, frange[0], frange[1])))
        self.sections.append((".variables", "\n".join(lines) + "\n"))
        self.sections.append((".aliases", "alias cd 'opcf'\n"))

    def section(self, name, body):
        self.sections.append((name, body))
        return self

    def node(self, path, node_type, parms=None, bypass=False, chn=None):
        """Add a node: ``parms`` maps name -> list of already formatted tokens."""
        stem = path.lstrip("/")
        self.sections.append((stem + ".init", "type = {0}\nmatchesdef = 0\n".format(node_type)))
        flags = ("flags =  lock off model off template off footprint off xray off bypass {0} "
                 "display off render on highlight off unload off savedata off compress on "
                 "colordefault on exposed on".format("on" if bypass else "off"))
        self.sections.append((stem + ".def", 'comment ""\nposition 0 0\nconnectornextid 0\n'
                                             + flags + "\ninputs\n{\n}\nend\n"))
        if chn:
            self.sections.append((stem + ".chn", chn))
        lines = ["{", "version 0.8"]
        for name, tokens in (parms or {}).items():
            lines.append(parm_line(name, *tokens))
        lines.append("}")
        self.sections.append((stem + ".parm", "\n".join(lines) + "\n"))
        self.sections.append((stem + ".userdata", ""))
        return self

    def hip_bytes(self):
        members = [cpio_member(name, body, ino=n + 1)
                   for n, (name, body) in enumerate(self.sections)]
        members.append(cpio_member("TRAILER!!!", b""))
        return b"".join(members)

    def licensed_bytes(self, magic=b"HouNC\x1a"):
        body = b"".join(licensed_member(name, text, magic) for name, text in self.sections)
        return body + licensed_member("NON_COMMERCIAL_FILE!!!", b"", magic)

    def write(self, path, kind="hip", compress=False):
        if kind == "hip":
            data = self.hip_bytes()
        elif kind == "hipnc":
            data = self.licensed_bytes(b"HouNC\x1a")
        else:
            data = self.licensed_bytes(b"HouLC\x1a")
        if compress:
            data = gzip.compress(data)
        with open(path, "wb") as handle:
            handle.write(data)
        return str(path)


def touch(path, data=b"x"):
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        os.makedirs(folder)
    with open(path, "wb") as handle:
        handle.write(data)
    return path


F1_CHANNEL = textwrap.dedent("""\
    {
        channel f2 {
          lefttype = extend
          righttype = extend
          default = 48
          flags = 0
          segment { length = 0 value = 48 48 expr = $FEND }
        }
      }
    """)


def build_standard_scene(folder, save_version="18.0.5", kind="hip", scene_name="shot"):
    """A scene using every feature, its input files on disk, and outputs that must be ignored.

    Returns:
        dict: paths (``scene``, ``hip``, ``job``) and the expected input files.
    """
    folder = str(folder)
    hip = os.path.join(folder, "proj").replace("\\", "/")
    job = os.path.join(folder, "job").replace("\\", "/")
    texdir = os.path.join(folder, "textures").replace("\\", "/")
    inputs = [
        touch(hip + "/geo/box.0001.bgeo.sc"), touch(hip + "/geo/box.0002.bgeo.sc"),
        touch(hip + "/geo/box.0003.bgeo.sc"),
        touch(job + "/cache/anim.abc"),
        touch(texdir + "/smoke.vdb"),
        touch(hip + "/tex/wood.1001.rat"), touch(hip + "/tex/wood.1002.rat"),
        touch(hip + "/tex/metal.1001.exr"),
        touch(hip + "/hdri/studio.hdr"),
        touch(hip + "/usd/layout.usda"),
        touch(hip + "/otls/tool.hda"),
        touch(hip + "/cache/sim.1.bgeo.sc"), touch(hip + "/cache/sim.2.bgeo.sc"),
        touch(hip + "/relative/rock.obj"),
    ]
    outputs = [touch(hip + "/render/beauty.0001.exr"), touch(hip + "/out/geo.0001.bgeo.sc")]
    builder = HipBuilder(save_version=save_version,
                         variables={"JOB": job, "TEXDIR": texdir})
    builder.section(".OPlibraries", "$HIP/otls/tool.hda\n")
    builder.node("/obj/cam1", "cam", {"res": ["1920", "1080"]})
    builder.node("/obj/geo1", "geo", {})
    builder.node("/obj/geo1/file1", "file", {"filemode": ['"read"'],
                                             "file": ["$HIP/geo/box.$F4.bgeo.sc"]})
    builder.node("/obj/geo1/abc1", "alembic", {"fileName": [quote("$JOB/cache/anim.abc")]})
    builder.node("/obj/geo1/vdb1", "file", {"file": [quote("${TEXDIR}/smoke.vdb")]})
    builder.node("/obj/geo1/rel1", "file", {"file": ["relative/rock.obj"]})
    builder.node("/obj/geo1/bt1", "file", {"file": [quote('`chs("../path")`/x.bgeo')]})
    builder.node("/obj/geo1/writer", "file", {"filemode": ['"write"'],
                                              "file": ["$HIP/out/geo.$F4.bgeo.sc"]})
    builder.node("/obj/geo1/cache_w", "filecache::2.0",
                 {"loadfromdisk": ["0"], "file": ["$HIP/cache/write.$F.bgeo.sc"],
                  "f": ["1", "24", "1"]})
    builder.node("/obj/geo1/cache_r", "filecache", {"loadfromdisk": ["1"],
                                                    "file": ["$HIP/cache/sim.$F.bgeo.sc"]})
    builder.node("/mat/wood", "principledshader::2.0",
                 {"basecolor_texture": [quote("$HIP/tex/wood.<UDIM>.rat")],
                  "rough_texture": [quote("$HIP/tex/metal.%(UDIM)d.exr")]})
    builder.node("/obj/env", "envlight", {"env_map": [quote("$HIP/hdri/studio.hdr")]})
    builder.node("/obj/env_missing", "envlight", {"env_map": ["D:\\\\hdri\\\\sky.hdr"]})
    builder.node("/stage/sublayer1", "sublayer", {"filepath1": [quote("$HIP/usd/layout.usda")]})
    builder.node("/obj/cam1/bokeh", "file", {"file": ["default.pic"]})
    builder.node("/out/mantra1", "ifd",
                 {"f": ["1", "[ f2\t48 ]", "1"], "camera": ["/obj/cam1"],
                  "vm_picture": ["$HIP/render/beauty.$F4.exr"], "trange": ['"normal"']},
                 chn=F1_CHANNEL)
    builder.node("/out/karma1", "karma", {"f": ["1", "5", "2"], "camera": ["/obj/missing"]},
                 bypass=True)
    builder.node("/out/rs1", "Redshift_ROP", {"f": ["1", "1", "1"], "RS_renderCamera": ['""']})
    builder.node("/out/ris1", "ris::22", {"f": ["10", "20", "1"], "camera": ["/obj/cam1"],
                                           "override_camerares": ['"on"'],
                                           "res_override": ["640", "360"]})
    builder.node("/out/geometry1", "geometry", {"f": ["1", "24", "1"],
                                                "sopoutput": ["$HIP/out/geo.$F4.bgeo.sc"]})
    builder.node("/out/hq1", "hq_sim", {"f": ["1", "10", "1"], "slice_type": ["2"],
                                        "num_slices": ["20"], "hq_driver": ["/out/geometry1"]})
    scene = os.path.join(hip, "{0}.{1}".format(scene_name, kind))
    builder.write(scene, kind=kind)
    return {"scene": scene, "hip": hip, "job": job, "texdir": texdir,
            "inputs": [p.replace("\\", "/") for p in inputs],
            "outputs": [p.replace("\\", "/") for p in outputs]}


@pytest.fixture
def hip_builder():
    return HipBuilder


@pytest.fixture
def standard_scene(tmp_path, monkeypatch):
    monkeypatch.delenv("JOB", raising=False)
    monkeypatch.delenv("RAYVISION_HOUDINI", raising=False)
    return build_standard_scene(tmp_path)


@pytest.fixture
def build_scene():
    return build_standard_scene


@pytest.fixture
def workspace(tmp_path):
    folder = tmp_path / "workspace"
    folder.mkdir()
    return str(folder)


@pytest.fixture
def db_dir(tmp_path):
    return str(tmp_path / "db")


def write_stand_in(folder, interpreter, name="hython", exit_code=None):
    """A stand-in executable: runs the given script with our fake ``hou`` on the path."""
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
            sys.stdout.write("stand-in failing on purpose\\n")
            sys.exit(exit_code)
        sys.path.insert(0, {fake_dir!r})
        script = sys.argv[1]
        sys.argv = sys.argv[1:]
        runpy.run_path(script, run_name="__main__")
        """).format(interpreter=interpreter, exit_code=exit_code, fake_dir=FAKE_HOU_DIR)
    with open(path, "w") as handle:
        handle.write(body)
    os.chmod(path, 0o755)
    return path


def analyse_static(tmp_path, builder, name="shot.hip"):
    """Write ``builder``'s scene under ``tmp_path/proj`` and analyse it with the static
    backend; returns the analyzer and the scene's folder (forward slashes)."""
    from rayvision_houdini.analyze_houdini import AnalyzeHoudini

    folder = tmp_path / "proj"
    folder.mkdir(exist_ok=True)
    scene = builder.write(str(folder / name))
    workspace = tmp_path / "ws"
    workspace.mkdir(exist_ok=True)
    analyzer = AnalyzeHoudini(scene, "19.5.303", workspace=str(workspace), backend="static",
                              custom_db_path=str(tmp_path / "db")).analyse()
    return analyzer, str(folder).replace("\\", "/")


def read_json(analyzer, name):
    """One of the json files an analysis wrote (``"task"``, ``"asset"``, ``"tips"``...)."""
    with open(os.path.join(analyzer.workspace, name + ".json"), encoding="utf-8") as handle:
        return json.load(handle)


def rop_entries(analyzer):
    """task.json's render nodes by node path."""
    return {entry["node"]: entry
            for entry in read_json(analyzer, "task")["scene_info_render"]["rop_node"]}


class _Kit(object):
    """Helpers the test modules use (they cannot import conftest under importlib mode)."""

    cpio_member = staticmethod(cpio_member)
    licensed_member = staticmethod(licensed_member)
    quote = staticmethod(quote)
    parm_line = staticmethod(parm_line)
    touch = staticmethod(touch)
    write_stand_in = staticmethod(write_stand_in)
    HipBuilder = HipBuilder
    build_standard_scene = staticmethod(build_standard_scene)
    FAKE_HOU_DIR = FAKE_HOU_DIR
    analyse_static = staticmethod(analyse_static)
    read_json = staticmethod(read_json)
    rop_entries = staticmethod(rop_entries)


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
