import os
import shutil
import stat
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCENES = os.path.join(HERE, "scenes")
FAKE_MAYA = os.path.join(HERE, "fake_maya")

PROJECT_FILES = [
    "sourceimages/wood.png",
    "sourceimages/skin.1001.tx",
    "sourceimages/skin.1002.tx",
    "sourceimages/cloth.1001.exr",
    "sourceimages/cloth.1011.exr",
    "sourceimages/rock_u0_v0.png",
    "sourceimages/rock_u1_v0.png",
    "sourceimages/flip/flip.0001.jpg",
    "sourceimages/flip/flip.0002.jpg",
    "sourceimages/flip/flip.0003.jpg",
    "sourceimages/plate.101.jpg",
    "sourceimages/plate.102.jpg",
    "sourceimages/studio.hdr",
    "sourceimages/char_skin.png",
    "sourceimages/prop.png",
    "proxies/tree.0001.ass",
    "proxies/tree.0002.ass",
    "proxies/car.rs",
    "cache/smoke.0010.vdb",
    "cache/smoke.0011.vdb",
    "cache/anim.abc",
    "cache/city.abc",
    "cache/nCache/clothShape.xml",
    "cache/nCache/clothShapeFrame1.mcx",
    "cache/nCache/clothShapeFrame2.mcx",
    "data/settings.json",
    "refs/eyes.png",
    "lights/spot.ies",
    "sourceimages/gobo.1001.tex",
    "sourceimages/gobo.1002.tex",
    "sourceimages/wall.tex",
    "usd/set.usdc",
]


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A Maya project: workspace.mel, scenes/, refs/, the files the fixture scenes name."""
    root = tmp_path / "proj"
    (root / "scenes").mkdir(parents=True)
    (root / "workspace.mel").write_text('workspace -fr "scene" "scenes";\n')
    for name in os.listdir(SCENES):
        source = os.path.join(SCENES, name)
        if os.path.isfile(source):
            shutil.copy(source, str(root / "scenes" / name))
    shutil.copytree(os.path.join(SCENES, "refs"), str(root / "refs"))
    for relative in PROJECT_FILES:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(relative.encode())
    textures = tmp_path / "texlib"
    textures.mkdir()
    (textures / "metal.exr").write_bytes(b"exr")
    monkeypatch.setenv("RV_TEST_TEX", str(textures))
    return root


@pytest.fixture
def workspace(tmp_path):
    folder = tmp_path / "ws"
    folder.mkdir()
    return str(folder)


def slash(path):
    return str(path).replace(os.sep, "/")


@pytest.fixture
def maya_standin(tmp_path):
    """Make a stand-in Maya executable named ``name`` (a script running maya_standin.py)."""
    def _make(name="maya"):
        folder = tmp_path / "bin"
        folder.mkdir(exist_ok=True)
        exe = folder / name
        exe.write_text('#!/bin/sh\nexec "%s" "%s" "$@"\n' % (
            sys.executable, os.path.join(FAKE_MAYA, "maya_standin.py")))
        exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
        return str(exe)
    return _make


@pytest.fixture
def fake_scene(project):
    """What the fake maya.cmds serves for scenes/legacy_layers.ma plus a few files."""
    root = slash(project)
    return {
        "version": "2018",
        "project": root,
        "nodes": {
            "defaultRenderLayer": {"type": "renderLayer", "attrs": {"renderable": True}},
            "layer1": {"type": "renderLayer", "attrs": {"renderable": True}},
            "layer2": {"type": "renderLayer", "attrs": {"renderable": False}},
            "char:layerX": {"type": "renderLayer", "attrs": {"renderable": True},
                            "referenced": True},
            "defaultRenderGlobals": {"type": "renderGlobals", "attrs": {
                "currentRenderer": "arnold", "imageFilePrefix": "<Scene>", "startFrame": 1.0,
                "endFrame": 24.0, "byFrameStep": 2.0, "modifyExtension": False,
                "animation": True, "imfPluginKey": "", "imageFormat": 7}},
            "defaultResolution": {"type": "resolution", "attrs": {"width": 1920,
                                                                   "height": 1080}},
            "defaultArnoldDriver": {"type": "aiAOVDriver", "attrs": {"aiTranslator": "png"}},
            "perspShape": {"type": "camera", "attrs": {"renderable": False}},
            "cameraShape1": {"type": "camera", "attrs": {"renderable": True}},
            "cameraShape2": {"type": "camera", "attrs": {"renderable": False}},
            "wood": {"type": "file", "attrs": {"fileTextureName": "sourceimages/wood.png",
                                               "useFrameExtension": False,
                                               "uvTilingMode": 0}},
            "cloth": {"type": "file", "attrs": {
                "fileTextureName": root + "/sourceimages/cloth.1001.exr",
                "useFrameExtension": False, "uvTilingMode": 3}},
            "flip": {"type": "file", "attrs": {
                "fileTextureName": root + "/sourceimages/flip/flip.0001.jpg",
                "useFrameExtension": True, "uvTilingMode": 0}},
            "gone": {"type": "file", "attrs": {"fileTextureName": "D:/tex/gone.png",
                                               "useFrameExtension": False,
                                               "uvTilingMode": 0}},
            "anim_AlembicNode": {"type": "AlembicNode", "attrs": {
                "abc_File": root + "/cache/anim.abc", "abc_layerFiles": []}},
            "lost_AlembicNode": {"type": "AlembicNode", "attrs": {
                "abc_File": root + "/cache/lost.abc"}},
            "clothCache": {"type": "cacheFile", "attrs": {"cachePath": root + "/cache/nCache",
                                                          "cacheName": "clothShape"}},
            "charRN": {"type": "reference", "attrs": {}},
            "lostRN": {"type": "reference", "attrs": {}},
            "sharedReferenceNode": {"type": "reference", "attrs": {}},
            "renderSetupLayer1": {"type": "other", "attrs": {}},
        },
        "layer_overrides": {"layer1": {"defaultRenderGlobals.endFrame": 48.0,
                                       "cameraShape2.renderable": True}},
        "references": {"charRN": {"filename": root + "/refs/char.ma", "loaded": True},
                       "lostRN": {"filename": "D:/library/lost.ma", "loaded": True}},
        "plugins": ["mtoa", "3.1.2.1", "stereoCamera", "10.0"],
        "files": [root + "/data/settings.json", root + "/sourceimages/wood.png"],
        "unknown_types": ["RedshiftProxyMesh"],
    }


@pytest.fixture
def cmds(monkeypatch):
    """The fake ``maya.cmds`` of ``fake_maya``, imported fresh for the test."""
    monkeypatch.syspath_prepend(FAKE_MAYA)
    for name in ("maya", "maya.cmds"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    import maya.cmds as fake
    yield fake
    for name in ("maya", "maya.cmds"):
        sys.modules.pop(name, None)
