"""Constants of rayvision_clarisse."""

PACKAGE_NAME = "rayvision_clarisse"

#: Scene extensions the analyser accepts.
CG_EXTENSIONS = (".project",)

#: Environment variable naming a Clarisse command-line executable (cnode) to use.
CNODE_ENV_VARIABLE = "RAYVISION_CNODE"
#: Environment variable through which the in-Clarisse script finds its options file.
OPTIONS_ENV_VARIABLE = "RAYVISION_CLARISSE_OPTIONS"
#: Name of the options file written into the result folder for the in-Clarisse script.
OPTIONS_FILE_NAME = "options.json"
