# -*- coding: utf-8 -*-
"""Drive the ``rayvision`` command out of process and follow one cloud render.

Standard library only, Python 2.7 and 3: it runs inside Deadline's and Qube's Python and
inside Maya, Houdini and Clarisse. Every integration folder carries an identical copy of
this file so that a studio copies one folder as is (``tools/sync_integrations.py``
refreshes the copies; a test checks they are identical to
``integrations/common/rayvision_job.py``).

Two layers:

* :class:`RayvisionProcess` runs one ``rayvision --json ...`` command, hands every event of
  the JSON-lines stream (``docs/cli.md``) to a callback, and kills the command's whole
  process tree as soon as the host asks to cancel;
* :class:`CloudRender` is one render-manager task: submit the scene (or re-attach to the
  cloud task remembered by the host), follow it while downloading the frames, and say how
  it ended. The host gives it a small object with ``progress(percent, message)``,
  ``log(text)``, ``cancelled()``, ``load_task_id()`` and ``save_task_id(task_id)``, and
  optionally ``claim_failed_frames_restart(task_id)`` (True: count one more restart of the
  failed frames of a cloud task re-attached to, and send it).
"""

from __future__ import print_function

import collections
import importlib
import json
import os
import signal
import subprocess
import sys
import threading
import time

try:
    import queue  # novermin
except ImportError:  # Python 2
    import Queue as queue  # novermin

#: Text type: ``unicode`` on Python 2, where the DCCs hand paths over as unicode.
TEXT = type(u"")

#: Exit codes of ``rayvision`` (docs/cli.md).
EXIT_OK = 0
EXIT_TASK_FAILED = 5
EXIT_TASK_STOPPED = 6
EXIT_OUTCOME_UNKNOWN = 9
EXIT_INTERRUPTED = 130

#: Error code of ``rayvision status`` for a task the farm does not know.
TASK_NOT_FOUND = "1000002"

#: ``creationflags`` of a command started on Windows: no console window flashes up in a GUI
#: host, and the host's console Ctrl+C does not reach the command.
CREATE_NO_WINDOW = 0x08000000
CREATE_NEW_PROCESS_GROUP = 0x00000200

#: Final status codes of a cloud task after which ``restart`` renders again.
STOPPED_CODES = ("10", "20", "23")

#: Final status codes of a cloud task that ended with failed frames (some, or all).
FAILED_CODES = ("30", "45")

#: ``kind`` of the error event of a farm change whose answer was lost and whose effect the
#: farm cannot show (the SDK's RayvisionOutcomeUnknownError; exit code 9).
OUTCOME_UNKNOWN = "outcome-unknown"

#: The ``rayvision`` command that renders the failed frames of a task again.
RESTART_FAILED = "restart-failed"

#: Share of the host's progress bar taken by each phase of a submission; following the
#: render (frames done, then the download) takes the rest.
PHASE_PERCENT = {"analyse": 1.0, "check": 4.0, "upload": 5.0, "submit": 40.0}
UPLOAD_SPAN = 35.0
RENDER_START = 45.0


class JobError(Exception):
    """The cloud render cannot go on; ``str(error)`` is the one line for the host."""

    def __init__(self, message, exit_code=None):
        super(JobError, self).__init__(message)
        self.exit_code = exit_code


class OutcomeUnknown(JobError):
    """A farm change lost its answer, and the farm cannot show whether it happened.

    It is not sent again: check the farm before asking for it again.
    """


class Cancelled(Exception):
    """The host cancelled the work; the local processes are already gone."""


def dcc_module(package, module, dcc):
    """The SDK's in-DCC analysis module ``package.dcc.module``.

    From ``$RAYVISION_SITE/package/dcc`` when set, else from the DCC's own Python
    (``dcc_module("rayvision_maya", "Analyze", "Maya")``).

    Raises:
        ImportError: The SDK is not importable from the DCC, with what to set.
    """
    site = os.environ.get("RAYVISION_SITE")
    if site:
        folder = os.path.join(site, package, "dcc")
        if folder not in sys.path:
            sys.path.insert(0, folder)
        return importlib.import_module(module)
    try:
        return importlib.import_module("{0}.dcc.{1}".format(package, module))
    except Exception as error:  # an SDK for a newer Python than the DCC's: SyntaxError
        raise ImportError("the rayvision SDK is not importable from {0} ({1}); set "
                          "RAYVISION_SITE to the folder holding {2}".format(dcc, error, package))


def files_lines(what, count, missing):
    """The end of an in-DCC findings text: files read, then the missing ones or none.

    Args:
        what (str): ``"scene"`` or ``"project"``.
        count (int): Files the scene reads.
        missing (list): Paths of the missing ones.
    """
    lines = ["", "Files read by the {0}: {1}".format(what, count)]
    if missing:
        lines.append("Missing files ({0}):".format(len(missing)))
        lines += ["  " + path for path in missing]
    else:
        lines.append("No missing file.")
    return lines


def native_argument(value, encoding=None):
    """``value`` as a command-line argument ``subprocess`` takes.

    Python 2 passes bytes to the OS: unicode (a scene path from Maya) is encoded with the
    file system's encoding instead of ASCII, which fails on any accented name. On Windows
    that encoding is the ANSI code page, and Python 2 cannot pass a path outside it at all.

    Args:
        value: The argument.
        encoding (str): The encoding of Python 2's arguments (default: the file system's).

    Raises:
        JobError: Python 2 cannot pass this text; names the path instead of handing a
            mangled one (``?`` for every character outside the code page) to the command.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, TEXT):
        encoding = encoding or sys.getfilesystemencoding() or "utf-8"
        try:
            encoded = value.encode(encoding)
            # Python 2's mbcs codec replaces what the code page lacks instead of raising.
            readable = encoded.decode(encoding) == value
        except UnicodeError:
            readable = False
        if not readable:
            raise JobError(u"{0} cannot be passed to the rayvision command by Python 2: it "
                           u"holds characters outside this machine's code page ({1}); rename "
                           u"it, or run the host on Python 3".format(value, encoding))
        return encoded
    return str(value)


def text_of(value):
    """``value`` as text; Python 2 bytes (a DCC's path) are read as UTF-8.

    Python 2 cannot mix non-ASCII bytes with unicode (the command's events) in one line.
    """
    if isinstance(value, TEXT):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return TEXT(value)


def message_of(error):
    """The text of an exception, as unicode on Python 2 when it holds non-ASCII text."""
    if len(error.args) == 1 and isinstance(error.args[0], TEXT):
        return error.args[0]
    try:
        return str(error)
    except UnicodeError:
        return repr(error)


def default_executable():
    """``RAYVISION_EXECUTABLE``, else ``rayvision`` (looked up on PATH when started)."""
    return os.environ.get("RAYVISION_EXECUTABLE") or "rayvision"


def popen_options(windows=None, python2=None):
    """Options of ``subprocess.Popen`` that start the command apart from the host.

    POSIX: the command leads a session of its own, so :func:`kill_tree` kills its process
    group as a whole. Python 3's ``start_new_session`` does that without running Python
    code between fork and exec (``preexec_fn`` can deadlock a host with other threads);
    Python 2 has only ``preexec_fn``. Windows: no console window, a process group of its own.

    Args:
        windows (bool): Options for Windows (default: this machine's OS).
        python2 (bool): Options for Python 2 (default: this interpreter's version).
    """
    windows = os.name == "nt" if windows is None else windows
    python2 = sys.version_info[0] < 3 if python2 is None else python2
    if windows:
        return {"creationflags": CREATE_NO_WINDOW | CREATE_NEW_PROCESS_GROUP}
    if python2:
        return {"preexec_fn": os.setsid}
    return {"start_new_session": True}


def kill_tree(process):
    """Kill ``process`` and every process it started, at once.

    POSIX: the command runs in its own session, so its process group is killed (a DCC
    started for the analysis and the transfer threads go with it). Windows: ``taskkill
    /T /F`` ends the tree.
    """
    if process.poll() is not None:
        return
    if os.name == "nt":
        with open(os.devnull, "w") as devnull:
            subprocess.call(["taskkill", "/PID", str(process.pid), "/T", "/F"],
                            stdout=devnull, stderr=devnull, creationflags=CREATE_NO_WINDOW)
    else:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:  # already gone
            pass
    try:
        process.wait()
    except OSError:
        pass


class Outcome(object):
    """How one ``rayvision`` command ended.

    Attributes:
        exit_code (int): The command's exit code (docs/cli.md).
        error (str): The one-line error (the ``error`` event, else the last stderr line).
        error_code: The SDK or farm code of the ``error`` event, or None.
        error_kind (str): The ``kind`` of the ``error`` event (docs/cli.md), or None.
        result (dict): The ``result`` event, or None.
        task (dict): The last ``task`` event, or None.
    """

    def __init__(self, exit_code, error, result, task, error_code=None, error_kind=None):
        self.exit_code = exit_code
        self.error = error
        self.result = result
        self.task = task
        self.error_code = error_code
        self.error_kind = error_kind

    @property
    def ok(self):
        """The command succeeded (exit code 0)."""
        return self.exit_code == EXIT_OK


class RayvisionProcess(object):
    """Runs ``rayvision --json ARGS`` and streams its events.

    Args:
        executable (str): The ``rayvision`` command (a path, or a name on PATH).
        global_args (list): Arguments before the command, e.g. ``["--profile", "farm"]``.
        env (dict): Environment of the command (default: this process's).
        poll_seconds (float): How often ``should_cancel`` is asked while the command runs.
    """

    def __init__(self, executable=None, global_args=None, env=None, poll_seconds=0.25):
        self.executable = executable or default_executable()
        self.global_args = list(global_args or [])
        self.env = env
        self.poll_seconds = poll_seconds

    def command(self, args):
        """The argument list that runs ``rayvision --json [global args] args``."""
        return [native_argument(a) for a in
                [self.executable, "--json"] + self.global_args + list(args)]

    def _start(self, args):
        options = dict(stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env)
        options.update(popen_options())
        try:
            return subprocess.Popen(self.command(args), **options)
        except OSError as error:
            raise JobError("cannot run {0}: {1} (set the rayvision executable in the "
                           "integration's settings)".format(self.executable, error))

    def run(self, args, on_event=None, should_cancel=None):
        """Run one command to its end.

        Args:
            args (list): The command and its arguments, e.g. ``["status", "123"]``.
            on_event (callable): Called with each event (a dict) in the reading thread's
                caller, i.e. this thread. An exception it raises kills the command and
                propagates.
            should_cancel (callable): Asked every ``poll_seconds``; True kills the command's
                process tree and raises :class:`Cancelled`.

        Returns:
            Outcome: How the command ended.
        """
        process = self._start(args)
        lines = queue.Queue()
        stderr_tail = collections.deque(maxlen=20)
        readers = [threading.Thread(target=_pump, args=(process.stdout, lines.put)),
                   threading.Thread(target=_pump, args=(process.stderr, stderr_tail.append))]
        for reader in readers:
            reader.daemon = True
            reader.start()
        state = {"error": None, "error_code": None, "error_kind": None, "result": None,
                 "task": None}
        try:
            while True:
                if should_cancel is not None and should_cancel():
                    kill_tree(process)
                    raise Cancelled("cancelled while running rayvision {0}".format(args[0]))
                try:
                    line = lines.get(timeout=self.poll_seconds)
                except queue.Empty:
                    continue
                if line is None:
                    break
                event = _parse(line)
                if event is None:
                    continue
                _remember(state, event)
                if on_event is not None:
                    on_event(event)
        except BaseException:
            kill_tree(process)
            _reap(process, readers)
            raise
        exit_code = process.wait()
        for reader in readers:
            reader.join(5)
        error = state["error"]
        if exit_code != EXIT_OK and not error:
            tail = [text for text in stderr_tail if text and text.strip()]
            error = tail[-1].strip() if tail else "rayvision {0} exited {1}".format(
                args[0], exit_code)
        return Outcome(exit_code, error, state["result"], state["task"], state["error_code"],
                       state["error_kind"])


def _reap(process, readers, seconds=5.0):
    """Wait (bounded) for a killed command and its reading threads to end.

    Nothing of a cancelled command outlives :meth:`RayvisionProcess.run` inside the host.
    """
    deadline = time.time() + seconds
    while process.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    for reader in readers:
        reader.join(max(0.0, deadline - time.time()))


def _pump(stream, put):
    """Hand each decoded line of ``stream`` to ``put``; None at the end."""
    for raw in iter(stream.readline, b""):
        put(raw.decode("utf-8", "replace").rstrip("\r\n"))
    stream.close()
    put(None)


def _parse(line):
    """One event of schema 1, or None for anything else (ignored, as the schema asks)."""
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        event = json.loads(line)
    except ValueError:
        return None
    if not isinstance(event, dict) or event.get("schema") != 1:
        return None
    return event


def _remember(state, event):
    kind = event.get("event")
    if kind == "error" and event.get("task_id") is None:
        state["error"] = event.get("message")
        state["error_code"] = event.get("code")
        state["error_kind"] = event.get("kind")
    elif kind == "result":
        state["result"] = event
    elif kind == "task":
        state["task"] = event


def frames_argument(frames):
    """``--frames`` text for a list of frame numbers: ``1-10[1]``, ``1-9[2]`` or ``1,4,7-8[1]``."""
    numbers = sorted(set(int(frame) for frame in frames))
    if not numbers:
        return None
    if len(numbers) > 1:
        step = numbers[1] - numbers[0]
        if all(b - a == step for a, b in zip(numbers, numbers[1:])):
            return "{0}-{1}[{2}]".format(numbers[0], numbers[-1], step)
    parts = []
    start = previous = numbers[0]
    for number in numbers[1:] + [None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        parts.append(str(start) if start == previous else "{0}-{1}[1]".format(start, previous))
        if number is not None:
            start = previous = number
    return ",".join(parts)


def map_path(path, rules):
    r"""``path`` with the first matching ``(from_prefix, to_prefix)`` rule applied.

    Prefixes match case-insensitively with ``\\`` and ``/`` alike (Windows and Linux
    workers share rules); the rest of the path takes the separator of ``to_prefix``.
    """
    if not path:
        return path
    normal = path.replace("\\", "/")
    for source, target in rules or ():
        prefix = source.replace("\\", "/").rstrip("/")
        if normal.lower() == prefix.lower() or normal.lower().startswith(prefix.lower() + "/"):
            rest = normal[len(prefix):]
            separator = "\\" if "\\" in target else "/"
            return target.rstrip("\\/") + rest.replace("/", separator)
    return path


def human_bytes(count):
    """``1.5 MB`` style sizes."""
    value = float(count or 0)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024:
            return "{0:.1f} {1}".format(value, unit) if unit != "B" else "{0:.0f} B".format(
                value)
        value /= 1024.0
    return "{0:.1f} TB".format(value)


def restart_failed_frames(process, task_id, should_cancel=None):
    """Ask the farm, once, to render the failed frames of a cloud task again.

    ``rayvision restart-failed`` (docs/cli.md): never sent twice; after a lost answer the
    farm is asked whether it happened.

    Args:
        process (RayvisionProcess): How ``rayvision`` is run.
        task_id (str): The cloud task.
        should_cancel (callable): As for :meth:`RayvisionProcess.run`.

    Raises:
        OutcomeUnknown: The answer was lost and the farm cannot show whether the frames
            were restarted.
        JobError: The farm or the SDK refused; nothing was restarted.
        Cancelled: The host cancelled (the request may have been sent).
    """
    outcome = process.run([RESTART_FAILED, task_id], None, should_cancel)
    if outcome.ok:
        return
    if outcome.error_kind == OUTCOME_UNKNOWN or outcome.exit_code == EXIT_OUTCOME_UNKNOWN:
        raise OutcomeUnknown(outcome.error, outcome.exit_code)
    raise JobError(outcome.error, outcome.exit_code)


def check_restart_failed(process, should_cancel=None):
    """Make sure the installed ``rayvision`` has the ``restart-failed`` command.

    A Worker whose SDK predates it must say so before the host counts a restart (the
    count is what stops a render manager's retries from paying for the frames again).

    Raises:
        JobError: The command is missing (an older SDK), or ``rayvision`` cannot run.
    """
    outcome = process.run([RESTART_FAILED, "--help"], None, should_cancel)
    if not outcome.ok:
        raise JobError(u"{0} cannot restart failed frames ({1}): install a rayvision SDK with "
                       u"the {2} command on this machine".format(
                           text_of(process.executable), outcome.error, RESTART_FAILED),
                       outcome.exit_code)


class RenderSettings(object):
    """What one cloud render needs (paths already mapped for this machine).

    Args:
        scene (str): The scene file.
        output (str): Folder the frames are downloaded to.
        software_version (str): DCC version (None: read from the scene where possible).
        project (str): Farm project name.
        frames (str): ``--frames`` text, or None for the scene's own ranges.
        layers (list): Layers / ROPs to render, or None for the renderable ones.
        poll_seconds (float): Seconds between farm polls while following the task.
        stop_on_cancel (bool): Stop the cloud task when the host cancels.
    """

    def __init__(self, scene, output, software_version=None, project=None, frames=None,
                 layers=None, poll_seconds=30.0, stop_on_cancel=True):
        self.scene = scene
        self.output = output
        self.software_version = software_version
        self.project = project
        self.frames = frames
        self.layers = list(layers or [])
        self.poll_seconds = float(poll_seconds)
        self.stop_on_cancel = bool(stop_on_cancel)

    def submit_args(self):
        """The ``rayvision submit`` arguments of this render."""
        args = ["submit", self.scene]
        if self.software_version:
            args += ["--software-version", self.software_version]
        if self.project:
            args += ["--project", self.project]
        if self.frames:
            args += ["--frames", self.frames]
        if self.layers:
            args += ["--layers", ",".join(self.layers)]
        return args


class CloudRender(object):
    """One render-manager task rendered on the cloud: submit or re-attach, follow, verdict.

    Args:
        settings (RenderSettings): The render.
        host: ``progress(percent, message)``, ``log(text)``, ``cancelled()``,
            ``load_task_id()``, ``save_task_id(task_id)`` of the render manager.
        process (RayvisionProcess): How ``rayvision`` is run.
    """

    def __init__(self, settings, host, process):
        self.settings = settings
        self.host = host
        self.process = process
        self.task_id = None
        self._submitted = False
        #: The cloud task was stopped after a cancel.
        self.stopped = False
        self._percent = 0.0
        #: Re-attached to a task submitted by an earlier run (see :meth:`_download`).
        self._reattached = False

    # -- progress ---------------------------------------------------------------------------

    def _report(self, percent, message):
        # The host's bar never moves backwards (a re-attach restarts at the render share).
        self._percent = max(self._percent, min(100.0, float(percent)))
        self.host.progress(self._percent, message)

    def _on_submit_event(self, event):
        kind = event.get("event")
        if kind == "phase" and event.get("phase") == "upload" and event.get("task_id"):
            self._remember(event["task_id"])
        if kind == "phase" and event.get("phase") in PHASE_PERCENT:
            phase = event["phase"]
            self._report(PHASE_PERCENT[phase], "Renderbus: {0}".format(
                {"analyse": "analysing the scene", "check": "checking the scene",
                 "upload": "uploading the scene's files",
                 "submit": "submitting the task"}[phase]))
        elif kind == "progress" and event.get("phase") == "upload":
            total = float(event.get("bytes_total") or 0)
            share = (float(event.get("bytes_done") or 0) / total) if total else 1.0
            self._report(PHASE_PERCENT["upload"] + UPLOAD_SPAN * share,
                         "Renderbus: uploading {0}/{1} files, {2} of {3}".format(
                             event.get("files_done"), event.get("files_total"),
                             human_bytes(event.get("bytes_done")), human_bytes(total)))
        elif kind == "result" and event.get("command") == "submit" and event.get("task_id"):
            self._remember(event["task_id"])
            self._submitted = True
            self.host.log("Renderbus task {0} submitted".format(self.task_id))
        elif kind == "error":
            self.host.log(u"rayvision: {0}".format(event.get("message")))

    def _remember(self, task_id):
        """Save the cloud task as soon as the farm has created it.

        From the upload on, a requeue finishes this task's submission (``submit --task-id``)
        or re-attaches to it, instead of creating and paying for a second one.
        """
        if str(task_id) != self.task_id:
            self.task_id = str(task_id)
            self.host.save_task_id(self.task_id)

    def _on_follow_event(self, event):
        kind = event.get("event")
        if kind == "task" and str(event.get("task_id")) == self.task_id:
            self._keep_remembered()
            total = int(event.get("frames_total") or 0)
            done = int(event.get("frames_done") or 0)
            failed = int(event.get("frames_failed") or 0)
            share = float(done + failed) / total if total else 0.0
            self._report(RENDER_START + (99.0 - RENDER_START) * share,
                         "Renderbus task {0}: {1}, {2}/{3} frames{4}".format(
                             self.task_id, event.get("status"), done, total,
                             ", {0} failed".format(failed) if failed else ""))
        elif kind == "file" and event.get("state") == "failed":
            self.host.log(u"download failed: {0}: {1}".format(event.get("path"),
                                                               event.get("message")))
        elif kind == "error":
            self.host.log(u"rayvision: {0}".format(event.get("message")))

    # -- steps ------------------------------------------------------------------------------

    def _run(self, args, on_event=None):
        return self.process.run(args, on_event, self.host.cancelled)

    def _status(self, task_id):
        """The task's ``task`` event, or None when the farm does not know the task."""
        outcome = self._run(["status", task_id])
        if outcome.ok:
            return outcome.task
        if str(outcome.error_code) == TASK_NOT_FOUND:
            return None
        raise JobError(outcome.error, outcome.exit_code)

    def _reattach(self, task_id):
        entry = self._status(task_id)
        if entry is None:
            self.host.log("Renderbus task {0} no longer exists on the farm: submitting "
                          "again".format(task_id))
            self.host.save_task_id(None)
            return False
        self.task_id = task_id
        if not entry.get("submitted"):
            self.host.log("Renderbus task {0} was created but not submitted: finishing its "
                          "submission".format(task_id))
            self._submit(resume=True)
            return True
        self.host.log("re-attaching to Renderbus task {0} ({1})".format(task_id,
                                                                        entry.get("status")))
        self._reattached = True
        if str(entry.get("status_code")) in STOPPED_CODES:
            outcome = self._run(["restart", task_id])
            if not outcome.ok:
                raise JobError(outcome.error, outcome.exit_code)
            self.host.log("Renderbus task {0} restarted".format(task_id))
        elif str(entry.get("status_code")) in FAILED_CODES and entry.get("frames_failed"):
            self._restart_failed_frames(task_id, entry.get("frames_failed"))
        return True

    def _restart_failed_frames(self, task_id, failed):
        """Render the failed frames again when the host allows one more restart.

        The host counts the restart before it is sent (``claim_failed_frames_restart``), so
        a lost answer, a crash or a render manager retrying the task never sends more
        restarts than it allows. A host without that method follows the task as it ended.
        """
        claim = getattr(self.host, "claim_failed_frames_restart", None)
        if claim is None:
            return
        # A Worker that cannot run the restart says so before a restart is counted.
        check_restart_failed(self.process, self.host.cancelled)
        if not claim(task_id):
            self.host.log("Renderbus task {0}: its failed frames were restarted as often as "
                          "allowed already: following the task as it ended".format(task_id))
            return
        self.host.log("Renderbus task {0}: restarting its {1} failed frames".format(task_id,
                                                                                  failed))
        restart_failed_frames(self.process, task_id, self.host.cancelled)
        self.host.log("Renderbus task {0}: failed frames restarted".format(task_id))

    def _submit(self, resume=False):
        self._report(0.0, "Renderbus: starting")
        self._submitted = False
        args = self.settings.submit_args()
        if resume:
            args += ["--task-id", self.task_id]
        outcome = self._run(args, self._on_submit_event)
        if not outcome.ok or not self._submitted:
            raise JobError(outcome.error or "rayvision submit printed no task id",
                           outcome.exit_code)

    def submit(self):
        """Only submit (in-DCC submitters): analyse, upload, submit; returns the task id.

        Raises:
            Cancelled: The host cancelled (nothing is left running on this machine).
            JobError: The submission failed, as one line.
        """
        self._submit()
        self._report(100.0, "Renderbus task {0} submitted".format(self.task_id))
        return self.task_id

    def _follow(self):
        self._report(RENDER_START, "Renderbus task {0}: following".format(self.task_id))
        outcome = self._run(["sync-output", self.task_id, "--dest", self.settings.output,
                             "--interval", self.settings.poll_seconds], self._on_follow_event)
        if not outcome.ok:
            raise JobError(outcome.error, outcome.exit_code)

    def _keep_remembered(self):
        """Save the task id again when it is no longer remembered.

        Concurrent tasks of one job may save the job document at the same moment, and the
        last save erases what the other one wrote (Deadline's ``SaveJob``).
        """
        if str(self.host.load_task_id() or "") != self.task_id:
            self.host.save_task_id(self.task_id)

    def _verdict(self):
        # Its task events keep the progress moving when sync-output had nothing to follow.
        outcome = self._run(["wait", self.task_id, "--interval", self.settings.poll_seconds],
                            self._on_follow_event)
        self._keep_remembered()
        entry = outcome.task or {}
        words = entry.get("status") or "status {0}".format(entry.get("status_code"))
        if outcome.exit_code == EXIT_OK:
            if self._reattached:
                self._download()
            # Unicode: a render manager on Python 2 hands the mapped output over as unicode.
            message = u"Renderbus task {0} done: {1} frames in {2}".format(
                self.task_id, entry.get("frames_done"), self.settings.output)
            self._report(100.0, message)
            self.host.log(message)
            return message
        if outcome.exit_code == EXIT_TASK_FAILED:
            raise JobError("Renderbus task {0} ended {1}: {2} of {3} frames failed".format(
                self.task_id, words, entry.get("frames_failed"), entry.get("frames_total")),
                outcome.exit_code)
        if outcome.exit_code == EXIT_TASK_STOPPED:
            raise JobError("Renderbus task {0} ended without rendering: {1}".format(
                self.task_id, words), outcome.exit_code)
        raise JobError(outcome.error, outcome.exit_code)

    def _download(self):
        """Download what the task produced that the output folder lacks.

        After a re-attach the folder is checked against the task's output (unchanged files
        are not fetched): the files of an earlier run may be gone, and a rayvision older
        than this integration skips a task its sync-output checkpoint marked complete even
        when frames were rendered again since.
        """
        self.host.log(u"Renderbus task {0}: checking that every frame is in {1}".format(
            self.task_id, text_of(self.settings.output)))
        outcome = self._run(["download", self.task_id, "--dest", self.settings.output],
                            self._on_follow_event)
        if not outcome.ok:
            raise JobError(outcome.error, outcome.exit_code)

    def stop_cloud_task(self):
        """Stop the cloud task (not cancellable: it is what a cancel asks for)."""
        if not self.task_id:
            return False
        outcome = self.process.run(["stop", self.task_id])
        self.stopped = outcome.ok
        if outcome.ok:
            self.host.log("Renderbus task {0} stopped".format(self.task_id))
        else:
            self.host.log(u"could not stop Renderbus task {0}: {1}".format(self.task_id,
                                                                           outcome.error))
        return outcome.ok

    def run(self):
        """Render to the end.

        Returns:
            str: The success message.

        Raises:
            Cancelled: The host cancelled; the cloud task is stopped when configured.
            JobError: Anything else that went wrong, as one line.
        """
        try:
            remembered = self.host.load_task_id()
            if not (remembered and self._reattach(str(remembered))):
                self._submit()
            self._follow()
            return self._verdict()
        except Cancelled:
            if self.settings.stop_on_cancel:
                self.stop_cloud_task()
            elif self.task_id:
                self.host.log("Renderbus task {0} keeps rendering; a requeue re-attaches "
                              "to it".format(self.task_id))
            raise


class BackgroundSubmit(object):
    """A submission on a worker thread, for a DCC whose UI must keep running.

    Every callback reaches the UI through ``deliver(function)``, which must run
    ``function`` on the UI thread (``maya.utils.executeDeferred``,
    ``hdefereval.executeDeferred``, or the ``put`` of a queue the UI's event loop drains,
    as Clarisse's script window does).

    Args:
        settings (RenderSettings): What to submit (``output`` is not used).
        process (RayvisionProcess): How ``rayvision`` is run.
        deliver (callable): Runs a function on the UI thread.
        on_progress (callable): ``(percent, message)``.
        on_log (callable): ``(text)``.
        on_done (callable): ``(task_id, error)``: one of them is None; both None when
            cancelled.
    """

    def __init__(self, settings, process, deliver, on_progress, on_log, on_done):
        self.settings = settings
        self.process = process
        self.deliver = deliver
        self.on_progress = on_progress
        self.on_log = on_log
        self.on_done = on_done
        self.task_id = None
        self._cancel = threading.Event()
        self.thread = threading.Thread(target=self._work)
        self.thread.daemon = True

    # CloudRender's host interface, called on the worker thread.
    def progress(self, percent, message):
        """Hand the progress to the UI thread."""
        self.deliver(lambda: self.on_progress(percent, message))

    def log(self, text):
        """Hand a log line to the UI thread."""
        self.deliver(lambda: self.on_log(text))

    def cancelled(self):
        """The user asked to cancel."""
        return self._cancel.is_set()

    def load_task_id(self):
        """A submission from a DCC never re-attaches."""
        return None

    def save_task_id(self, task_id):
        """Keep the submitted task's id for the UI."""
        self.task_id = task_id

    def start(self):
        """Start the worker thread; returns this object."""
        self.thread.start()
        return self

    def cancel(self):
        """Kill the submission's processes (within ``poll_seconds`` of the process)."""
        self._cancel.set()

    def _work(self):
        task_id = error = None
        try:
            task_id = CloudRender(self.settings, self, self.process).submit()
        except Cancelled:
            pass
        except JobError as failure:
            error = message_of(failure)
        except Exception as failure:  # the UI must hear about every failure
            error = u"{0}: {1}".format(type(failure).__name__, message_of(failure))
        self.deliver(lambda: self.on_done(task_id, error))


def main(argv=None):
    """``python rayvision_job.py ARGS``: run a command and print its events (diagnostics)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    outcome = RayvisionProcess().run(argv, lambda event: print(json.dumps(event)))
    if outcome.error:
        print(outcome.error, file=sys.stderr)
    return outcome.exit_code


if __name__ == "__main__":
    sys.exit(main())
