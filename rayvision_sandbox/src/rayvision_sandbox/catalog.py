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
    "15020": (0, u"V-Ray版本与场景不一致", u"确认项目配置的V-Ray版本",
              "The V-Ray version differs from the scene's",
              "Check the V-Ray version configured for the project"),
    "15024": (1, u"场景文件不存在", u"检查场景文件路径", "The scene file does not exist",
              "Check the scene file path"),
    "15034": (0, u"插件版本与场景不一致或渲染器插件未配置", u"确认项目配置的插件及版本",
              "A plugin's configured version differs from the scene's, or the renderer's "
              "plugin is not configured", "Check the plugins configured for the project"),
    "15035": (0, u"只读取了场景的一部分", u"安装对应软件并使用DCC分析以获得完整结果",
              "Only part of the scene could be read without the software",
              "Install the software and analyse with backend='dcc' for a full result"),
    "15036": (0, u"无法读取依赖文件以查找其引用的文件", u"检查该文件的权限和大小",
              "A dependency could not be read to find the files it names",
              "Check that file's permissions and size"),
    "10011": (0, u"FumeFX缓存丢失", u"检查FumeFX缓存路径", "FumeFX cache missing",
              "Check the FumeFX cache paths"),
    "10012": (0, u"贴图丢失", u"检查贴图路径", "Missing texture", "Check the texture paths"),
    "10018": (0, u"Alembic缓存丢失", u"检查Alembic缓存路径", "Alembic cache missing",
              "Check the Alembic cache paths"),
    "10019": (0, u"Krakatoa缓存丢失", u"检查Krakatoa缓存路径", "Krakatoa cache missing",
              "Check the Krakatoa cache paths"),
    "10020": (0, u"XMesh缓存丢失", u"检查XMesh缓存路径", "XMesh cache missing",
              "Check the XMesh cache paths"),
    "10021": (0, u"RealFlow缓存丢失", u"检查RealFlow缓存路径", "RealFlow cache missing",
              "Check the RealFlow cache paths"),
    "10022": (0, u"模拟缓存丢失", u"检查模拟缓存路径", "Simulation cache missing",
              "Check the simulation cache paths"),
    "10023": (0, u"V-Ray光子图丢失", u"检查光子图路径", "V-Ray irradiance map missing",
              "Check the irradiance map path"),
    "10024": (0, u"V-Ray灯光缓存丢失", u"检查灯光缓存路径", "V-Ray light cache missing",
              "Check the light cache path"),
    "10025": (0, u"参考文件丢失", u"检查参考文件路径", "Referenced scene files missing",
              "Check the reference paths"),
    "10027": (0, u"序列贴图丢失", u"检查序列贴图路径", "Texture sequence missing",
              "Check the texture sequence paths"),
    "10028": (0, u"VDB缓存丢失", u"检查VDB缓存路径", "OpenVDB cache missing",
              "Check the OpenVDB cache paths"),
    "10030": (0, u"V-Ray代理文件丢失", u"检查代理文件路径", "V-Ray proxy missing",
              "Check the proxy paths"),
    "10032": (0, u"毛发缓存丢失", u"检查毛发缓存路径", "Hair cache missing",
              "Check the hair cache paths"),
    "25009": (0, u"参考的工程文件丢失", u"检查参考工程的路径", "Referenced project missing",
              "Check the paths of the referenced projects"),
    "50001": (0, u"缺少资产文件", u"检查节点引用的文件", "Missing asset files",
              "Check the files referenced by the nodes"),
    "50002": (1, u"相机错误", u"检查ROP节点的相机", "Camera error",
              "Check the camera of the ROP nodes"),
    "50003": (0, u"ROP节点没有渲染相机", u"为ROP节点设置相机", "A ROP has no render camera",
              "Set a camera on the ROP"),
    "50007": (1, u"不支持的分布式解算类型", u"使用支持的切片类型",
              "Unsupported slice type of a distributed simulation",
              "Use a supported slice type"),
    "50008": (1, u"分布式解算切片过多", u"切片数不超过16", "More than 16 slices",
              "Use at most 16 slices"),
    "999": (1, u"未知错误", u"联系客服", "Unknown error", "Contact support"),
}


def tip_codes():
    """Every tip code this farm describes (``queryErrorDetail`` answers for them)."""
    return sorted(_ERRORS)


def error_details(code, language):
    """``queryErrorDetail`` data: a list with the code's description, [] when unknown."""
    code = str(code)
    if code not in _ERRORS:
        return []
    kind, desc_cn, solution_cn, desc_en, solution_en = _ERRORS[code]
    english = str(language) == "1"
    # The row id follows from the code, so adding a code never renumbers the others.
    return [{"id": int(code), "code": code, "type": kind,
             "languageFlag": 1 if english else 0,
             "desDescriptionCn": desc_en if english else desc_cn,
             "desSolutionCn": solution_en if english else solution_cn,
             "solutionPath": "https://www.renderbus.com/support/error/{0}".format(code),
             "isRepair": 0, "isDelete": 1, "isOpen": 1, "lastModifyAdmin": "",
             "updateTime": 1534387709000}]
