"""Constants of rayvision_houdini."""

PACKAGE_NAME = "rayvision_houdini"

#: Scene extensions the analyser accepts.
CG_EXTENSIONS = (".hip", ".hipnc", ".hiplc")

#: Environment variable naming the folder of the reference-type database (``data_tl.db``).
DB_ENV_VARIABLE = "RAYVISION_HOUDINI"
#: File name of the reference-type database.
DB_FILE_NAME = "data_tl.db"
#: Table of the reference-type database: parameter names that hold file references.
DB_TABLE = "ReFerType"

#: Name of the marker file the in-Houdini script writes on success (original spelling).
SUCCESS_FILE_NAME = "analyze_sucess"

#: Environment variable naming a hython executable to use (checked before discovery).
HYTHON_ENV_VARIABLE = "RAYVISION_HYTHON"
