"""Maya runs this file at startup (the renderbus.mod module puts its folder on the path).

The Renderbus menu is added once the main window exists.
"""

import maya.utils

maya.utils.executeDeferred("import renderbus_maya; renderbus_maya.install_menu()")
