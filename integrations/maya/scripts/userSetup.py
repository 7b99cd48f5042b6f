# Maya runs this file at startup when this folder is on its script path (the renderbus.mod
# module does that): the Renderbus menu is added once the main window exists.
import maya.utils

maya.utils.executeDeferred("import renderbus_maya; renderbus_maya.install_menu()")
