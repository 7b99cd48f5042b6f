"""Constants of rayvision_maya."""

PACKAGE_NAME = "rayvision_maya"

# Scene extensions the analyser reads.
MAYA_ASCII = ".ma"
MAYA_BINARY = ".mb"
CG_EXTENSIONS = (MAYA_ASCII, MAYA_BINARY)

# Linux install paths of Maya, in the order they are tried ({v} = version, e.g. 2018).
LINUX_EXE_TEMPLATES = (
    "/usr/autodesk/maya{v}/bin/maya",
    "/usr/autodesk/maya{v}.5/bin/maya",
    "/usr/autodesk/maya{v}-x64/bin/maya",
)

# Registry key holding MAYA_INSTALL_LOCATION ({v} = version).
REGISTRY_KEY = r"SOFTWARE\Autodesk\Maya\{v}\Setup\InstallPath"
REGISTRY_VALUE = "MAYA_INSTALL_LOCATION"
WINDOWS_EXE = ("bin", "mayabatch.exe")
