"""Fixed reference data the farm answers: platforms, software, plugins, error details.

Field names and value shapes follow the spec's example answers.
"""

PLATFORMS = {
    1: [{"platform": 2, "name": "query_platform_w2"},
        {"platform": 3, "name": "query_platform_w3"},
        {"platform": 6, "name": "query_platform_w6"},
        {"platform": 21, "name": "query_platform_gpu"}],
    2: [{"platform": 2, "name": "query_platform_w2"},
        {"platform": 9, "name": "query_platform_w9"},
        {"platform": 21, "name": "query_platform_gpu"}],
}

SOFTWARE = [
    {"cgId": 2000, "cgName": "Maya", "cgType": "ma;mb", "iconPath": "/img/softimage/maya.png",
     "isNeedProjectPath": 1, "isNeedAnalyse": 1, "isSupportLinux": 1},
    {"cgId": 2001, "cgName": "3ds Max", "cgType": "max", "iconPath": "/img/softimage/max.png",
     "isNeedProjectPath": 1, "isNeedAnalyse": 1, "isSupportLinux": 0},
    {"cgId": 2004, "cgName": "Houdini", "cgType": "hip;hipnc;hiplc",
     "iconPath": "/img/softimage/houdini.png", "isNeedProjectPath": 2, "isNeedAnalyse": 1,
     "isSupportLinux": 1},
    {"cgId": 2005, "cgName": "Cinema 4D", "cgType": "c4d",
     "iconPath": "/img/softimage/cinema-4D.png", "isNeedProjectPath": 1, "isNeedAnalyse": 1,
     "isSupportLinux": 0},
    {"cgId": 2007, "cgName": "Blender", "cgType": "blend",
     "iconPath": "/img/softimage/blender.png", "isNeedProjectPath": 1, "isNeedAnalyse": 1,
     "isSupportLinux": 0},
    {"cgId": 2008, "cgName": "VR Standalone", "cgType": "vrscene",
     "iconPath": "/img/softimage/VR-standalone.png", "isNeedProjectPath": 3, "isNeedAnalyse": 2,
     "isSupportLinux": 0},
    {"cgId": 2012, "cgName": "KeyShot", "cgType": "bip",
     "iconPath": "/img/softimage/keyshot.png", "isNeedProjectPath": 2, "isNeedAnalyse": 1,
     "isSupportLinux": 0},
    {"cgId": 2013, "cgName": "Clarisse", "cgType": "project;render",
     "iconPath": "/img/softimage/clarisse.png", "isNeedProjectPath": 3, "isNeedAnalyse": 1,
     "isSupportLinux": 1},
    {"cgId": 2016, "cgName": "Katana", "cgType": "katana",
     "iconPath": "/img/softimage/katana.png", "isNeedProjectPath": 1, "isNeedAnalyse": 1,
     "isSupportLinux": 1},
]

# cgId -> [(version id, version, {plugin name: [(plugin id, version text)]})]
_VERSIONS = {
    2000: [(1001, "2017", {"mtoa": [(1160, "mtoa 2.0.1")]}),
           (1002, "2018", {"mtoa": [(1165, "mtoa 3.1.2.1"), (1166, "mtoa 3.2.1.1")],
                           "redshift": [(2703, "redshift 2.6.41")]}),
           (1003, "2019", {"mtoa": [(1170, "mtoa 3.2.1.1")],
                           "vrayformaya": [(1180, "vrayformaya 4.12.01")]}),
           (1004, "2020", {"mtoa": [(1171, "mtoa 4.0.0")]})],
    2001: [(1101, "2018", {"vray": [(2001, "vray 4.10.03")]}),
           (1102, "2019", {"vray": [(2002, "vray 4.20.01")], "corona": [(2050, "corona 5")]})],
    2004: [(1201, "16.5", {"renderman": [(5301, "renderman 22.5")]}),
           (1202, "17.5", {"renderman": [(5304, "renderman 22.6")],
                           "redshift": [(5310, "redshift 3.0.13")]}),
           (1203, "18.0", {"htoa": [(5320, "htoa 5.0.1")]})],
    2005: [(1301, "R21", {})],
    2007: [(1401, "2.83", {})],
    2008: [(1501, "4.0", {})],
    2012: [(1601, "9.0", {})],
    2013: [(1701, "clarisse_ifx_4.0_sp3", {}), (1702, "clarisse_ifx_4.0_sp5", {})],
    2016: [(1801, "3.6", {"arnold": [(5401, "ktoa 2.4")]})],
}


def software_name(cg_id):
    """Display name of a cgId ('Maya'), or None."""
    for item in SOFTWARE:
        if item["cgId"] == cg_id:
            return item["cgName"]
    return None


def supported_plugins(cg_id):
    """``querySupportedPlugin`` data for a cgId: ``cgPlugin`` and ``cgVersion`` lists."""
    name = software_name(cg_id) or ""
    versions, plugins = [], []
    for version_id, version, plugin_map in _VERSIONS.get(cg_id, []):
        versions.append({"id": version_id, "cgId": cg_id, "cgName": name,
                         "cgVersion": version})
        for plugin_name, entries in sorted(plugin_map.items()):
            plugins.append({"cvId": version_id, "pluginName": plugin_name,
                            "pluginVersions": [{"pluginId": plugin_id,
                                                "pluginName": plugin_name,
                                                "pluginVersion": text}
                                               for plugin_id, text in entries]})
    return {"cgPlugin": plugins, "cgVersion": versions}


def plugin_by_id(plugin_id):
    """``{"pluginId", "pluginName", "pluginVersion"}`` of a known plugin id, or a generic one."""
    for versions in _VERSIONS.values():
        for _, _, plugin_map in versions:
            for plugin_name, entries in plugin_map.items():
                for known_id, text in entries:
                    if known_id == plugin_id:
                        return {"pluginId": plugin_id, "pluginName": plugin_name,
                                "pluginVersion": text}
    return {"pluginId": plugin_id, "pluginName": "plugin{0}".format(plugin_id),
            "pluginVersion": "plugin{0}".format(plugin_id)}


# code -> (type: 0 warning / 1 error, Chinese description, Chinese solution, English
# description, English solution)
_ERRORS = {
    "15000": (1, u"启动3ds max卡住或者失败", u"检查3ds max是否有弹窗；检查系统权限",
              "3ds Max hangs or fails to start",
              "Close any dialog of that 3ds Max version; check the system permissions"),
    "15002": (1, u"获取场景信息失败", u"场景可能已损坏或被压缩",
              "Getting the scene information failed",
              "The scene may be damaged or compressed"),
    "15013": (0, u"场景版本与配置的软件版本不一致", u"确认项目配置的软件版本",
              "The scene was saved by another software version than configured",
              "Check the software version configured for the project"),
    "15019": (1, u"找不到场景对应的软件", u"安装对应版本的软件或指定可执行文件路径",
              "The software of the scene was not found",
              "Install that version or pass the executable path"),
    "15024": (1, u"场景文件不存在", u"检查场景文件路径", "The scene file does not exist",
              "Check the scene file path"),
    "10012": (0, u"贴图丢失", u"检查贴图路径", "Missing texture", "Check the texture paths"),
    "50001": (0, u"缺少资产文件", u"检查节点引用的文件", "Missing asset files",
              "Check the files referenced by the nodes"),
    "50002": (1, u"相机错误", u"检查ROP节点的相机", "Camera error",
              "Check the camera of the ROP nodes"),
    "999": (1, u"未知错误", u"联系客服", "Unknown error", "Contact support"),
}


def error_details(code, language):
    """``queryErrorDetail`` data: a list with the code's description, [] when unknown."""
    code = str(code)
    if code not in _ERRORS:
        return []
    kind, desc_cn, solution_cn, desc_en, solution_en = _ERRORS[code]
    english = str(language) == "1"
    return [{"id": sorted(_ERRORS).index(code) + 1, "code": code, "type": kind,
             "languageFlag": 1 if english else 0,
             "desDescriptionCn": desc_en if english else desc_cn,
             "desSolutionCn": solution_en if english else solution_cn,
             "solutionPath": "https://www.renderbus.com/support/error/{0}".format(code),
             "isRepair": 0, "isDelete": 1, "isOpen": 1, "lastModifyAdmin": "",
             "updateTime": 1534387709000}]
