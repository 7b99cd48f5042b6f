"""Copy ``integrations/common/rayvision_job.py`` into every integration folder.

Each integration is a folder a studio copies as is, so each carries the shared module;
``tests/integrations/test_structure.py`` fails when a copy differs from the original::

    python tools/sync_integrations.py
"""

import os
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "integrations", "common", "rayvision_job.py")

#: Folders that import ``rayvision_job`` (relative to ``integrations/``).
COPIES = (
    os.path.join("deadline", "plugins", "Renderbus"),
    os.path.join("qube", "renderbus"),
    os.path.join("maya", "scripts"),
    os.path.join("houdini", "scripts", "python"),
    os.path.join("clarisse", "scripts"),
)


def copy_paths():
    return [os.path.join(ROOT, "integrations", folder, "rayvision_job.py") for folder in COPIES]


def main():
    for target in copy_paths():
        if os.path.isdir(os.path.dirname(target)):
            shutil.copyfile(SOURCE, target)
            print("copied to {0}".format(os.path.relpath(target, ROOT)))


if __name__ == "__main__":
    main()
