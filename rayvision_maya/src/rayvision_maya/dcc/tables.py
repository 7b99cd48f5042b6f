"""Which Maya nodes name external files, shared by the static reader and the in-Maya script.

Runs inside Maya too (Python 2.7 and 3): plain data, no imports.

``FILE_ATTRIBUTES`` maps a node type to ``(long name, short name, kind)`` triples: the
attribute holding a path, the short name a .ma file writes it under, and the kind of file
(which decides the tip code of a missing file, see ``KIND_TIP_CODES``).
"""

FILE_ATTRIBUTES = {
    "file": [("fileTextureName", "ftn", "texture")],
    "psdFileTex": [("fileTextureName", "ftn", "texture")],
    "mentalrayTexture": [("fileTextureName", "ftn", "texture")],
    "movie": [("fileTextureName", "ftn", "texture")],
    "imagePlane": [("imageName", "imn", "texture")],
    "aiImage": [("filename", "filename", "texture")],
    "aiStandIn": [("dso", "dso", "proxy")],
    "aiVolume": [("filename", "filename", "volume")],
    "aiPhotometricLight": [("aiFilename", "ai_filename", "ies")],
    "AlembicNode": [("abc_File", "fn", "alembic"), ("abc_layerFiles", "fns", "alembic")],
    "gpuCache": [("cacheFileName", "cfn", "alembic")],
    "ExocortexAlembicFile": [("fileName", "fileName", "alembic")],
    "RedshiftProxyMesh": [("fileName", "fn", "proxy")],
    "RedshiftVolumeShape": [("fileName", "fn", "volume")],
    "RedshiftDomeLight": [("tex0", "tex0", "hdri"), ("tex1", "tex1", "hdri")],
    "RedshiftEnvironment": [("tex0", "tex0", "hdri"), ("tex1", "tex1", "hdri"),
                            ("tex2", "tex2", "hdri"), ("tex3", "tex3", "hdri"),
                            ("tex4", "tex4", "hdri")],
    "RedshiftIESLight": [("profile", "profile", "ies")],
    "RedshiftNormalMap": [("tex0", "tex0", "texture")],
    "RedshiftSprite": [("tex0", "tex0", "texture")],
    "RedshiftBokeh": [("dofBokehImage", "dofBokehImage", "texture")],
    "VRayMesh": [("fileName", "fn", "vrmesh")],
    "VRayProxy": [("fileName", "fn", "vrmesh")],
    "VRayVolumeGrid": [("inFile", "inFile", "volume")],
    "VRayLightIESShape": [("iesFile", "iesFile", "ies")],
    "VRayScene": [("FilePath", "FilePath", "proxy")],
    "VRayPtex": [("ptexFile", "ptexFile", "texture")],
    "cacheFile": [("cachePath", "cp", "cache")],
    "diskCache": [("cacheName", "cn", "cache")],
    "audio": [("filename", "f", "other")],
    "pgYetiMaya": [("cacheFileName", "cfn", "hair"), ("imageSearchPath", "isp", "hair")],
    "xgmPalette": [("xgFileName", "xfn", "hair")],
    "xgmSplineCache": [("fileName", "fn", "hair")],
    "openVDBRead": [("file", "file", "volume")],
    "bifrostContainer": [("cacheFolder", "cacheFolder", "cache")],
    # Maya USD: the stage the proxy shape loads (layers it names are followed from there).
    "mayaUsdProxyShape": [("filePath", "fp", "usd")],
}

# RenderMan for Maya (RfM 21+): lights, light filters, textures, archives. Their attributes
# have the same long and short names.
_PXR_IES = ("iesProfile", "iesProfile", "ies")
_PXR_COLOR_MAP = ("lightColorMap", "lightColorMap", "hdri")
FILE_ATTRIBUTES.update({
    "PxrDomeLight": [_PXR_COLOR_MAP],
    "PxrRectLight": [_PXR_COLOR_MAP, _PXR_IES],
    "PxrDiskLight": [_PXR_IES],
    "PxrSphereLight": [_PXR_IES],
    "PxrCylinderLight": [_PXR_IES],
    "PxrMeshLight": [_PXR_IES],
    "PxrPortalLight": [_PXR_IES],
    "PxrGoboLightFilter": [("map", "map", "texture")],
    "PxrCookieLightFilter": [("map", "map", "texture")],
    "PxrStdEnvMapLight": [("rman__EnvMap", "rman__EnvMap", "hdri")],
    "PxrStdAreaLight": [("rman__EmissionMap", "rman__EmissionMap", "texture")],
    "PxrTexture": [("filename", "filename", "texture")],
    "PxrPtexture": [("filename", "filename", "texture")],
    "PxrNormalMap": [("filename", "filename", "texture")],
    "PxrBump": [("filename", "filename", "texture")],
    "PxrMultiTexture": [("filename%d" % index, "filename%d" % index, "texture")
                        for index in range(10)],
    "PxrOSL": [("shadername", "shadername", "other")],
    "RenderManArchive": [("filename", "filename", "proxy")],
})

# Node types whose file-attribute value is a folder, not a file.
FOLDER_KINDS = ("cache", "hair", "volume")

# Attributes that switch a node's file into a frame sequence.
FRAME_EXTENSION_ATTRIBUTES = {
    "file": ("useFrameExtension", "ufe"),
    "imagePlane": ("useFrameExtension", "ufe"),
    "aiStandIn": ("useFrameExtension", "ufe"),
    "aiImage": ("useFrameExtension", "ufe"),
    # MtoA's volume and Redshift's proxy: their frame attribute picks the file of each frame.
    "aiVolume": ("useFrameExtension", "useFrameExtension"),
    "RedshiftProxyMesh": ("useFrameExtension", "ufe"),
}

# file node attribute naming the UV tiling mode: 0 off, 1 ZBrush (u0_v0), 2 Mudbox
# (u1_v1), 3 Mari (UDIM 1001), 4 explicit tiles.
UV_TILING_ATTRIBUTE = ("uvTilingMode", "uvt")

# Camera node types.
CAMERA_TYPES = ("camera", "stereoRigCamera")

# Kind of file -> tip code of a missing one (values of rayvision_utils tips_code).
KIND_TIP_CODES = {
    "texture": "10012",       # MISSING_FILE
    "sequence": "10027",      # ANIMATION_MAP_MISSING
    "hdri": "10012",          # HDRI_MISSING
    "alembic": "10018",       # ABC_MISSING
    "volume": "10028",        # VDB_MISSING
    "vrmesh": "10030",        # VRMESH_MISSING
    "proxy": "10012",         # MISSING_FILE
    "ies": "10012",           # MISSING_FILE
    "cache": "10012",         # MISSING_FILE
    "hair": "10032",          # HAIR_MISSING
    "usd": "10012",           # MISSING_FILE (a USD stage)
    "reference": "10025",     # XREFFILES
    "other": "10012",         # MISSING_FILE
}

# Maya versions whose plugins ship with Maya: plugin -> first Maya year that bundles it.
# Before that year the plugin is a separate install the farm must provide.
BUNDLED_SINCE = {"mayaUsdPlugin": 2022, "MASH": 2017}

# Image format enum of defaultRenderGlobals.imageFormat -> extension.
IMAGE_FORMATS = {
    0: "gif", 1: "pic", 2: "rla", 3: "tif", 4: "tif", 5: "sgi", 6: "als", 7: "iff",
    8: "jpg", 9: "eps", 10: "iff", 11: "cin", 12: "yuv", 13: "sgi", 19: "tga", 20: "bmp",
    23: "avi", 31: "psd", 32: "png", 35: "dds", 36: "psd", 40: "exr", 50: "imfkey",
    51: "imfkey", 60: "swf", 61: "ai", 62: "svg", 63: "swf",
}

# redshiftOptions.imageFormat enum -> extension.
REDSHIFT_IMAGE_FORMATS = {0: "iff", 1: "exr", 2: "png", 3: "tga", 4: "jpg", 5: "tif"}

# Defaults of the render settings when a scene does not set them.
DEFAULT_RENDERER = "mayaSoftware"
DEFAULT_START = 1.0
DEFAULT_END = 10.0
DEFAULT_BY_FRAME = 1.0
# time1.outTime when a scene does not store it (the frame rendered with animation off).
DEFAULT_CURRENT_FRAME = 1.0
DEFAULT_WIDTH = 960
DEFAULT_HEIGHT = 540
DEFAULT_IMAGE_FORMAT = 7
