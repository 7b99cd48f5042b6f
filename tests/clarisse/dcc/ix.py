# -*- coding: utf-8 -*-
"""A stand-in for Clarisse's ``ix`` module (Python 2.7 and 3), enough for clarisse_analyse.py.

The project is described by the JSON file named in ``FAKE_IX_SCENE``::

    {"objects": [{"name": "project://scene/img", "class": "Image", "disabled": false,
                  "attrs": {"first_frame": 1, "save_as": "/out/x.exr",
                            "layers": ["project://scene/img.l1"]}}],
     "path_attrs": [{"object": "project://scene/tex", "name": "filename",
                     "value": "/tex/a.tx", "hint": "VISUAL_HINT_FILENAME_OPEN"}],
     "contexts": [{"name": "project://scene/ref", "reference": true,
                   "filename": "/refs/r.project"}]}
"""

import io
import json
import os


def _scene():
    with io.open(os.environ["FAKE_IX_SCENE"], "r", encoding="utf-8") as handle:
        return json.load(handle)


class _Attr(object):
    def __init__(self, name, value, owner=None, hint="VISUAL_HINT_FILENAME_OPEN",
                 private=False):
        self._name = name
        self._value = value
        self._owner = owner
        self._hint = hint
        self._private = private

    def get_name(self):
        return self._name

    def get_long(self):
        return int(self._value)

    def get_bool(self):
        return bool(self._value)

    def get_string(self):
        return u"{0}".format(self._value) if self._value is not None else u""

    def get_value_count(self):
        return len(self._value)

    def get_object(self, index):
        return _Factory.objects().get(self._value[index])

    def get_parent_object(self):
        return self._owner

    def get_visual_hint(self):
        return self._hint

    def is_private(self):
        return self._private


class _Object(object):
    def __init__(self, spec):
        self._spec = spec

    def get_full_name(self):
        return self._spec["name"]

    def get_class_name(self):
        return self._spec.get("class", "")

    def is_disabled(self):
        return self._spec.get("disabled", False)

    def attribute_exists(self, name):
        attrs = self._spec.get("attrs", {})
        if name in attrs:
            return _Attr(name, attrs[name], self)
        return None

    def get_attribute(self, name):
        return self.attribute_exists(name)


class _Context(_Object):
    def is_reference(self):
        return self._spec.get("reference", False)

    def get_attribute(self, name):
        if name == "filename":
            return _Attr("filename", self._spec.get("filename", ""), self)
        return _Object.get_attribute(self, name)


class OfObjectArray(object):
    def __init__(self):
        self._items = []

    def get_count(self):
        return len(self._items)

    def __getitem__(self, index):
        return self._items[index]


class OfContextSet(object):
    def __init__(self):
        self._items = []

    def __iter__(self):
        return iter(self._items)


class OfAttr(object):
    @staticmethod
    def get_path_attrs():
        objects = _Factory.objects()
        result = []
        for spec in _scene().get("path_attrs", []):
            owner = objects.get(spec["object"]) or _Object({"name": spec["object"]})
            result.append(_Attr(spec["name"], spec["value"], owner,
                                spec.get("hint", "VISUAL_HINT_FILENAME_OPEN"),
                                spec.get("private", False)))
        return result

    @staticmethod
    def get_visual_hint_name(hint):
        return hint


class _Root(object):
    def resolve_all_contexts(self, contexts):
        for spec in _scene().get("contexts", []):
            contexts._items.append(_Context(spec))


class _Factory(object):
    @staticmethod
    def objects():
        return dict((spec["name"], _Object(spec)) for spec in _scene().get("objects", []))

    def get_all_objects(self, class_name, array):
        for spec in _scene().get("objects", []):
            if spec.get("class") == class_name:
                array._items.append(_Object(spec))

    def get_root(self):
        return _Root()


class api(object):  # noqa: N801 - ix's spelling
    OfObjectArray = OfObjectArray
    OfContextSet = OfContextSet
    OfAttr = OfAttr


class application(object):  # noqa: N801
    @staticmethod
    def get_factory():
        return _Factory()
