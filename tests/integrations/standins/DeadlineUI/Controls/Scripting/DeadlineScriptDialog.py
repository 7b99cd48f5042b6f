"""Stand-in for ``DeadlineUI.Controls.Scripting.DeadlineScriptDialog`` (Monitor scripts).

Controls are kept by name with their type and value; buttons expose ``ValueModified``
(``connect`` / ``emit``) like the Qt signal. Message boxes are recorded in ``messages``.
"""

CONTROL_TYPES = ("LabelControl", "TextControl", "MultiLineTextControl", "ComboControl",
                 "RangeControl", "CheckBoxControl", "FileBrowserControl",
                 "FileSaverControl", "FolderBrowserControl", "ButtonControl")

DIALOGS = []


class _Signal(object):
    def __init__(self):
        self.slots = []

    def connect(self, slot):
        self.slots.append(slot)

    def emit(self, *args):
        for slot in self.slots:
            slot(*args)


class _Control(object):
    def __init__(self, name, kind, value, extra):
        self.name = name
        self.kind = kind
        self.value = value
        self.extra = extra
        self.ValueModified = _Signal()


class DeadlineScriptDialog(object):
    def __init__(self):
        self.controls = {}
        self.messages = []
        self.title = None
        self.shown = False
        self.closed = False
        self._grid_open = False
        DIALOGS.append(self)

    def SetTitle(self, title):
        self.title = title

    def AddGrid(self):
        if self._grid_open:
            raise RuntimeError("AddGrid before EndGrid")
        self._grid_open = True

    def EndGrid(self):
        if not self._grid_open:
            raise RuntimeError("EndGrid without AddGrid")
        self._grid_open = False

    def AddControlToGrid(self, name, control_type, value, row, column, *extra):
        if not self._grid_open:
            raise RuntimeError("AddControlToGrid outside a grid")
        if control_type not in CONTROL_TYPES:
            raise ValueError("unknown control type {0}".format(control_type))
        if name in self.controls:
            raise ValueError("two controls named {0}".format(name))
        control = _Control(name, control_type, value, extra)
        self.controls[name] = control
        return control

    def GetValue(self, name):
        return self.controls[name].value

    def SetValue(self, name, value):
        self.controls[name].value = value

    def ShowDialog(self, modal):
        self.shown = True

    def CloseDialog(self):
        self.closed = True

    def ShowMessageBox(self, message, title, buttons=None, icon=None):
        self.messages.append([title, message])
        return "OK"
