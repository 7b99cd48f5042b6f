"""Command line: ``rayvision-sandbox serve | create-user | users | monitor-link``."""

import argparse
import errno
import os
import signal
import socket
import sys

from rayvision_sandbox import constants as c
from rayvision_sandbox.farm import Sandbox
from rayvision_sandbox.store import UserNameTakenError, open_store


def _error_burst(text):
    status, _, count = text.partition(":")
    try:
        return int(status), int(count or 1)
    except ValueError:
        raise argparse.ArgumentTypeError("expected STATUS:COUNT such as 503:3, got {0!r}".format(
            text))


def _frames(text):
    if text == "all":
        return "all"
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("expected frame numbers such as 3,7 or 'all', "
                                         "got {0!r}".format(text))


def build_parser():
    """The argument parser of ``rayvision-sandbox``."""
    defaults = argparse.ArgumentDefaultsHelpFormatter
    parser = argparse.ArgumentParser(
        prog="rayvision-sandbox", formatter_class=defaults,
        description="A local Renderbus-compatible render farm for development and tests.")
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="run the farm until interrupted",
                                formatter_class=defaults)
    serve.add_argument("--data-dir", required=True, help="folder of the database and storages")
    serve.add_argument("--port", type=int, default=8765, help="TCP port (0: any free port)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--seconds-per-frame", type=float, default=1.0,
                       help="simulated render time of one frame")
    serve.add_argument("--timestamp-window", type=int, default=c.DEFAULT_TIMESTAMP_WINDOW,
                       help="accepted clock difference of signed requests (s)")
    serve.add_argument("--access-log", action="store_true", help="print one line per request")
    faults = serve.add_argument_group("fault injection")
    faults.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    faults.add_argument("--error-burst", type=_error_burst, metavar="STATUS:COUNT",
                        help="answer the next COUNT requests with HTTP STATUS (429 or 5xx)")
    faults.add_argument("--reset-after-bytes", type=int, metavar="N",
                        help="reset storage transfers after N bytes")
    faults.add_argument("--clock-skew", type=float, default=0.0, help="seconds added to the "
                                                                      "farm clock")
    faults.add_argument("--failing-frames", type=_frames, metavar="N,N|all",
                        help="frame numbers that fail when rendered")
    create = commands.add_parser("create-user", help="add a user to a data dir",
                                 formatter_class=defaults)
    create.add_argument("--data-dir", required=True)
    create.add_argument("name")
    users = commands.add_parser("users", help="list the users of a data dir (no keys)",
                                formatter_class=defaults)
    users.add_argument("--data-dir", required=True)
    link = commands.add_parser("monitor-link", help="print a one-time sign-in link to the web "
                                                    "monitor of a farm", formatter_class=defaults)
    link.add_argument("--data-dir", required=True)
    link.add_argument("--user", help="user name (default: the farm's first user)")
    link.add_argument("--url", default="http://127.0.0.1:8765", help="address the farm serves")
    return parser


def _check_port(host, port) -> None:
    """Raise EADDRINUSE before the web server would print its own multi-line complaint."""
    if not port:
        return
    probe = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    finally:
        probe.close()


def serve(args, out=sys.stdout) -> int:
    """Run a farm in the foreground until SIGINT/SIGTERM."""
    _check_port(args.host, args.port)
    farm = Sandbox(data_dir=args.data_dir, port=args.port, host=args.host,
                   seconds_per_frame=args.seconds_per_frame,
                   timestamp_window=args.timestamp_window, access_log=args.access_log)
    farm.faults.set(latency=args.latency, error_burst=args.error_burst,
                    reset_after_bytes=args.reset_after_bytes, clock_skew=args.clock_skew,
                    failing_frames=args.failing_frames)
    farm.start()

    def _terminate(signum, frame):
        raise KeyboardInterrupt()

    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        out.write("rayvision_sandbox serving {0}\n".format(farm.url))
        out.write("data dir:   {0}\n".format(farm.data_dir))
        out.write("domain:     {0}  (protocol http, platform {1})\n".format(farm.domain,
                                                                          farm.platform))
        out.write("access_id:  {0}\n".format(farm.access_id))
        out.write("access_key: {0}\n".format(farm.access_key))
        out.write("monitor:    {0}\n".format(farm.monitor_url))
        out.write("sign in:    {0}  (one-time link)\n".format(farm.monitor_login_link()))
        out.write(quick_start(farm))
        out.flush()
        farm.serve_forever()
    finally:
        signal.signal(signal.SIGTERM, previous)
        farm.stop()
        out.write("rayvision_sandbox stopped\n")
    return 0


def quick_start(farm) -> str:
    """How to talk to this farm: the README's Quick start and a ``rayvision`` profile."""
    connection = "domain={0!r}, platform={1!r}, protocol=\"http\"".format(
        farm.domain, str(farm.platform)).replace("'", '"')
    return (
        "\nPython (README Quick start):\n"
        "    from rayvision_api import RayvisionAPI\n"
        "    api = RayvisionAPI(access_id=\"{id}\", access_key=\"{key}\",\n"
        "                       {connection})\n"
        "A profile for the rayvision command and RayvisionAPI(profile=\"sandbox\"):\n"
        "    rayvision --domain {domain} --platform {platform} --protocol http "
        "--access-id {id} --access-key {key} config create sandbox\n"
        "    rayvision --profile sandbox status\n\n").format(
            id=farm.access_id, key=farm.access_key, connection=connection,
            domain=farm.domain, platform=farm.platform)


class CommandError(Exception):
    """A mistake on the command line, reported as one line."""


def _existing_store(data_dir):
    """The store of a data dir that must already exist (never creates one)."""
    if not os.path.isfile(os.path.join(data_dir, "sandbox.sqlite3")):
        raise CommandError("no sandbox farm in {0} (serve or create-user makes one)".format(
            data_dir))
    return open_store(data_dir)


def create_user(args, out=sys.stdout) -> int:
    """Create a user in a data dir and print its credentials."""
    store = open_store(args.data_dir)
    try:
        if not store.users():
            store.create_user("sandbox")
        try:
            user = store.create_user(args.name)
        except UserNameTakenError:
            raise CommandError("user {0!r} already exists in {1}".format(args.name,
                                                                      args.data_dir))
    finally:
        store.close()
    out.write("user_id:    {0}\nuser_name:  {1}\naccess_id:  {2}\naccess_key: {3}\n".format(
        user["id"], user["user_name"], user["access_id"], user["access_key"]))
    return 0


def list_users(args, out=sys.stdout) -> int:
    """Print the users of a data dir (ids and names, never keys)."""
    store = _existing_store(args.data_dir)
    try:
        for user in store.users():
            out.write("{0}\t{1}\t{2}\n".format(user["id"], user["user_name"],
                                               user["access_id"]))
    finally:
        store.close()
    return 0


def monitor_link(args, out=sys.stdout) -> int:
    """Print a one-time sign-in link of the monitor for a user of a data dir."""
    from rayvision_sandbox.monitor.auth import LoginLinks

    store = _existing_store(args.data_dir)
    try:
        users = [user for user in store.users()
                 if args.user is None or user["user_name"] == args.user]
        if not users:
            raise CommandError("no user named {0!r} in {1}".format(args.user, args.data_dir))
        token = LoginLinks(store).issue(users[0]["id"])
    finally:
        store.close()
    out.write("{0}/monitor/link/{1}\n".format(args.url.rstrip("/"), token))
    return 0


def main(argv=None):
    """Entry point of the ``rayvision-sandbox`` console command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    commands = {"serve": serve, "create-user": create_user, "users": list_users,
                "monitor-link": monitor_link}
    if args.command not in commands:
        parser.print_help()
        return 2
    try:
        return commands[args.command](args)
    except (CommandError, ValueError) as exc:
        sys.stderr.write("rayvision-sandbox: {0}\n".format(exc))
        return 2
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            sys.stderr.write("rayvision-sandbox: port {0} is already in use (another farm?); "
                             "choose another --port, or --port 0 for any free one\n".format(
                                 getattr(args, "port", "?")))
        else:
            sys.stderr.write("rayvision-sandbox: {0}\n".format(exc))
        return 1


if __name__ == "__main__":
    sys.exit(main())
