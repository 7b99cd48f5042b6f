"""``rayvision config``: create, list, show and delete profiles."""

import argparse
import getpass
import sys
from typing import Any

from rayvision_api import profiles
from rayvision_cli import exit_codes
from rayvision_cli.client import redacted
from rayvision_cli.events import Output


def register(commands: Any, parents: list, formatter: Any) -> None:
    """Add ``config`` and its actions to the command parser."""
    config = commands.add_parser("config", parents=parents, formatter_class=formatter,
                                 help="profiles: create, list, show (key hidden), delete")
    actions = config.add_subparsers(dest="config_action", metavar="ACTION")
    create = actions.add_parser("create", parents=parents, formatter_class=formatter,
                                help="create or update a profile")
    create.add_argument("name", help="profile name, e.g. renderbus, fox, sandbox")
    for key, meaning in profiles.SETTINGS.items():
        if key in ("domain", "platform", "protocol", "access_id", "access_key"):
            continue  # the global connection options set these
        create.add_argument("--" + key.replace("_", "-"), dest="set_" + key, help=meaning)
    create.add_argument("--access-key-stdin", action="store_true",
                        help="read the access key from stdin (keeps it out of the shell "
                             "history)")
    create.add_argument("--replace", action="store_true",
                        help="drop the profile's other settings")
    create.set_defaults(handler=run_create)
    listing = actions.add_parser("list", parents=parents, formatter_class=formatter,
                                 help="list the profiles")
    listing.set_defaults(handler=run_list)
    show = actions.add_parser("show", parents=parents, formatter_class=formatter,
                              help="show a profile (the key hidden)")
    show.add_argument("name", nargs="?", help="profile (default: the one in use)")
    show.set_defaults(handler=run_show)
    delete = actions.add_parser("delete", parents=parents, formatter_class=formatter,
                                help="delete a profile")
    delete.add_argument("name")
    delete.set_defaults(handler=run_delete)
    path = actions.add_parser("path", parents=parents, formatter_class=formatter,
                              help="print the config file's path")
    path.set_defaults(handler=run_path)
    config.set_defaults(handler=lambda args, output: _usage(config))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return exit_codes.USAGE


def run_create(args: Any, output: Output) -> int:
    """``rayvision config create``: save a profile (the key from an option or stdin)."""
    settings = dict((key, getattr(args, key)) for key in
                    ("domain", "platform", "protocol", "access_id", "access_key"))
    for key in profiles.SETTINGS:
        value = getattr(args, "set_" + key, None)
        if value is not None:
            settings[key] = value
    if args.access_key_stdin:
        if sys.stdin.isatty():
            settings["access_key"] = getpass.getpass("access key: ")
        else:
            settings["access_key"] = sys.stdin.readline().strip()
    settings = dict((key, value) for key, value in settings.items() if value is not None)
    path = profiles.save_profile(args.name, settings, replace=args.replace)
    shown = redacted(profiles.get_profile(args.name, path))
    output.emit("result", command="config create", profile=args.name, path=path,
                settings=shown)
    output.result("profile {0} saved in {1}".format(args.name, path))
    return exit_codes.OK


def run_list(args: Any, output: Output) -> int:
    """``rayvision config list``: the profiles of the file."""
    path = profiles.config_path()
    found = profiles.load_profiles(path)
    output.emit("result", command="config list", path=path, profiles=sorted(found))
    output.table(("PROFILE", "DOMAIN", "PLATFORM", "PROTOCOL", "ACCESS ID"),
                 [(name, found[name].get("domain", "-"), found[name].get("platform", "-"),
                   found[name].get("protocol", "-"), found[name].get("access_id", "-"))
                  for name in sorted(found)])
    return exit_codes.OK


def run_show(args: Any, output: Output) -> int:
    """``rayvision config show``: one profile, the key hidden."""
    from rayvision_cli.client import profile_name

    name = args.name or profile_name(args)
    if not name:
        output.error("no profile in use: name one, or create 'default' (rayvision config "
                     "create default ...)", kind="argument", exit_code=exit_codes.CONFIG)
        return exit_codes.CONFIG
    shown = redacted(profiles.get_profile(name))
    output.emit("result", command="config show", profile=name, settings=shown)
    output.result("[{0}]".format(name))
    for key in sorted(shown):
        output.result("{0} = {1}".format(key, shown[key]))
    return exit_codes.OK


def run_delete(args: Any, output: Output) -> int:
    """``rayvision config delete``: remove a profile."""
    profiles.delete_profile(args.name)
    output.emit("result", command="config delete", profile=args.name)
    output.result("profile {0} deleted".format(args.name))
    return exit_codes.OK


def run_path(args: Any, output: Output) -> int:
    """``rayvision config path``: where the profiles file is."""
    path = profiles.config_path()
    output.emit("result", command="config path", path=path)
    output.result(path)
    return exit_codes.OK
