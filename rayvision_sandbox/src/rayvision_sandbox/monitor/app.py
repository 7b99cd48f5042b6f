"""The monitor's WSGI application, and the root application that mounts it beside the API.

Every page but the sign-in ones needs a session; every query and action runs as the session's
user, and the operator buttons call the same handlers as the signed API, so a page can do
exactly what that user's ``RayvisionAPI`` could and nothing more.
"""

import hmac
import json
import logging
import os
import re

from werkzeug.wrappers import Request, Response

from rayvision_sandbox import png
from rayvision_sandbox.errors import SandboxRequestError
from rayvision_sandbox.monitor import data, pages
from rayvision_sandbox.monitor.auth import LoginLinks, Sessions, check_key
from rayvision_sandbox.storage import KINDS

LOGGER = logging.getLogger(__name__)

PREFIX = pages.PREFIX
COOKIE = "rvsb_monitor"
FAVICON = "/favicon.ico"
STATIC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".png": "image/png"}
STORAGE_LIMIT = 2000
# Page button -> API handler (rayvision_sandbox.api.ApiHandlers) it goes through.
ACTIONS = {"stop": "stop_task", "start": "start_task", "full-speed": "full_speed",
           "restart-failed": "restart_failed_frames", "delete": "delete_task"}
DONE_MESSAGES = {"stop": "stopped", "start": "started again",
                 "full-speed": "renders the rest of its frames",
                 "restart-failed": "renders its failed frames again", "delete": "deleted"}
_SECURITY_HEADERS = (
    ("Content-Security-Policy", "default-src 'self'; img-src 'self'; script-src 'self'; "
                                "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; "
                                "form-action 'self'; base-uri 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    # A one-time link must not leak to another site through the Referer header.
    ("Referrer-Policy", "no-referrer"),
)


class Forbidden(Exception):
    """A POST without a valid CSRF token or from another origin."""


def _response(body, status=200, content_type: str = "text/html; charset=utf-8",
              cache: bool = False):
    response = Response(body, status=status, content_type=content_type)
    for name, value in _SECURITY_HEADERS:
        response.headers[name] = value
    response.headers["Cache-Control"] = "private, max-age=3600" if cache else "no-store"
    return response


def _redirect(location, status=303):
    response = _response("", status)
    response.headers["Location"] = location
    return response


def _number(text, default=1):
    """A whole number from a query parameter, ``default`` when absent or not a number."""
    try:
        return int(text) if text else default
    except ValueError:
        return default


def _json(value, status=200):
    return _response(json.dumps(value), status, "application/json")


class MonitorApp(object):
    """The web monitor of one farm, under ``/monitor``.

    Args:
        farm (rayvision_sandbox.farm.Sandbox): The running farm.
    """

    def __init__(self, farm) -> None:
        self.farm = farm
        self.sessions = Sessions()
        self.links = LoginLinks(farm.store)
        self._favicon = None
        self._routes = [
            ("GET", r"/login", self.login_form, False),
            ("POST", r"/login", self.login, False),
            ("GET", r"/link/([A-Za-z0-9_-]+)", self.redeem_link, False),
            ("GET", r"/static/([a-z]+\.(?:css|js|png))", self.static, False),
            ("POST", r"/logout", self.logout, True),
            ("GET", r"/tasks", self.tasks, True),
            # Ids of at most 18 digits: longer ones are no farm id (and overflow sqlite).
            ("GET", r"/tasks/(\d{1,18})", self.task, True),
            ("POST", r"/tasks/(\d{1,18})/action", self.task_action, True),
            ("GET", r"/frames/(\d{1,18})/image/(\d{1,9})", self.frame_image, True),
            ("GET", r"/storage", self.storage, True),
            ("GET", r"/farm", self.farm_page, True),
            ("POST", r"/farm", self.change_faults, True),
        ]

    def login_link(self, access_id=None, base_url=None) -> str:
        """A one-time sign-in URL for a user (the farm's first user by default)."""
        user = self.farm.user(access_id or self.farm.access_id)
        token = self.links.issue(user["id"])
        return "{0}{1}/link/{2}".format(base_url or self.farm.url, PREFIX, token)

    # -- WSGI -------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        """Answer one request below ``/monitor`` (and ``/``, ``/favicon.ico``)."""
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except Forbidden as exc:
            response = _response(pages.esc(str(exc)), 403, "text/plain; charset=utf-8")
        except Exception:
            LOGGER.exception("monitor page %s %s failed", request.method, request.path)
            response = _response("The monitor failed on this page; the farm's log has the "
                                 "details.", 500, "text/plain; charset=utf-8")
        return response(environ, start_response)

    def dispatch(self, request):
        """Route one request below ``/monitor``."""
        path = request.path[len(PREFIX):] if request.path.startswith(PREFIX) else ""
        if request.path == FAVICON:
            return self.favicon(request)
        if path in ("", "/"):
            return _redirect(PREFIX + "/tasks", 302)
        allowed = False
        for method, pattern, handler, needs_session in self._routes:
            match = re.fullmatch(pattern, path)
            if match is None:
                continue
            allowed = True
            if request.method != method and not (method == "GET" and request.method == "HEAD"):
                continue
            if not needs_session:
                return handler(request, *match.groups())
            session = self._session(request)
            if session is None:
                if request.args.get("partial") or request.method == "POST" \
                        or "/image/" in path:
                    return _json({"error": "sign in first"}, 401)
                return _redirect(PREFIX + "/login")
            if request.method == "POST":
                self._check_post(request, session)
            return handler(request, session, *match.groups())
        if allowed:
            return _response("Method not allowed", 405, "text/plain; charset=utf-8")
        return _response("Not found", 404, "text/plain; charset=utf-8")

    def _session(self, request):
        session_id = request.cookies.get(COOKIE)
        session = self.sessions.get(session_id)
        if session is None:
            return None
        user = self.farm.store.user_by_id(session["user_id"])
        if user is None:
            return None
        session.update(id=session_id, user=user)
        return session

    def _check_post(self, request, session=None):
        """Refuse a cross-site POST: a foreign Origin, or (signed in) a wrong CSRF token."""
        origin = request.headers.get("Origin")
        if origin and origin != "null" and origin != request.host_url.rstrip("/"):
            raise Forbidden("cross-origin request refused")
        if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            raise Forbidden("cross-site request refused")
        if session is not None:
            given = (request.form.get("csrf") or "").encode("utf-8")
            if not hmac.compare_digest(given, session["csrf"].encode("utf-8")):
                raise Forbidden("the form's CSRF token is missing or wrong; reload the page")

    def _flash(self, session):
        return self.sessions.flash(session["id"])

    def _say(self, session, text, kind: str = "ok") -> None:
        self.sessions.flash(session["id"], {"text": text, "kind": kind})

    # -- signing in -------------------------------------------------------------------------

    def _signed_in(self, user_id):
        session_id, _ = self.sessions.create(user_id)
        response = _redirect(PREFIX + "/tasks")
        response.set_cookie(COOKIE, session_id, path=PREFIX, httponly=True, samesite="Strict",
                            secure=False)
        return response

    def login_form(self, request):
        """The sign-in page (signed-in browsers go to their tasks)."""
        if self._session(request) is not None:
            return _redirect(PREFIX + "/tasks")
        return _response(pages.login_page())

    def login(self, request):
        """Check an access id and key; the key is never echoed back."""
        self._check_post(request)
        access_id = (request.form.get("access_id") or "").strip()
        user = self.farm.store.user_by_access_id(access_id) if access_id else None
        if not check_key(user, request.form.get("access_key")):
            return _response(pages.login_page("Unknown access id or wrong access key.",
                                              access_id), 403)
        return self._signed_in(user["id"])

    def redeem_link(self, request, token):
        """Sign in with a one-time link."""
        user_id = self.links.redeem(token)
        if user_id is None:
            return _response(pages.login_page("This sign-in link was already used or has "
                                              "expired; ask for a new one."), 403)
        return self._signed_in(user_id)

    def logout(self, request, session):
        """End the session."""
        self.sessions.drop(session["id"])
        response = _redirect(PREFIX + "/login")
        response.delete_cookie(COOKIE, path=PREFIX, httponly=True, samesite="Strict")
        return response

    def static(self, request, name):
        """The style sheet and script (no CDN: they ship with the package)."""
        path = os.path.join(STATIC_DIR, name)
        if not os.path.isfile(path):
            return _response("Not found", 404, "text/plain; charset=utf-8")
        with open(path, "rb") as handle:
            body = handle.read()
        return _response(body, 200, STATIC_TYPES[os.path.splitext(name)[1]], cache=True)

    def favicon(self, request):
        """The tab icon browsers ask for, drawn by the farm's PNG writer."""
        if self._favicon is None:
            side = 32
            rows = [bytearray(b"".join(bytes((79 - 48 * (x + y) // (2 * side),
                                             139 + 18 * (x + y) // (2 * side),
                                             255 - 170 * (x + y) // (2 * side)))
                                      for x in range(side))) for y in range(side)]
            self._favicon = png.encode_png(side, side, rows)
        return _response(self._favicon, 200, "image/png", cache=True)

    # -- tasks ------------------------------------------------------------------------------

    def tasks(self, request, session):
        """The task list, or its live regions (``partial=1``)."""
        status_filter = request.args.get("status") or "all"
        if status_filter not in dict(data.STATUS_FILTERS):
            status_filter = "all"
        search = (request.args.get("q") or "").strip()[:200]
        page = data.task_page(self.farm.store, session["user"]["id"], status_filter, search,
                              _number(request.args.get("page")), self.farm.clock())
        if request.args.get("partial"):
            return _json({"regions": pages.tasks_regions(page, status_filter, search)})
        return _response(pages.tasks_page(session["user"], session["csrf"], page,
                                          status_filter, search, self._flash(session)))

    def task(self, request, session, task_id):
        """One task, or its live regions."""
        user = session["user"]
        try:
            task, frames = data.task_detail(self.farm, user, int(task_id))
        except SandboxRequestError as exc:
            if request.args.get("partial"):
                return _json({"error": exc.message}, 404)
            return _response(pages.error_page(user, session["csrf"], 404, exc.message), 404)
        selected = None
        frame_id = _number(request.args.get("frame"), 0)
        for frame in frames:
            if frame["id"] == frame_id:
                selected = frame
        log = self.farm.frame_logs.read(task["id"], selected["id"]) if selected else ""
        shown, pager = data.frame_page(frames, _number(request.args.get("fpage")))
        if request.args.get("partial"):
            return _json({"regions": pages.task_regions(task, shown, pager, session["csrf"],
                                                        selected, log)})
        files = [(name, data.config_file(self.farm, user, task["id"], name))
                 for name in data.CONFIG_FILES]
        return _response(pages.task_page(user, session["csrf"], task, shown, pager, files,
                                         selected, log, self._flash(session)))

    def task_action(self, request, session, task_id):
        """Run an operator on a task through the signed API's handler."""
        action = request.form.get("action") or ""
        operation = ACTIONS.get(action)
        back = "{0}/tasks/{1}".format(PREFIX, task_id)
        if operation is None:
            self._say(session, "Unknown action {0!r}.".format(action), "error")
            return _redirect(back)
        handler = getattr(self.farm.api, operation)
        ctx = {"now": self.farm.clock(), "base_url": request.host_url.rstrip("/"),
               "host": request.host.rpartition(":")[0] or request.host,
               "port": self.farm.port}
        try:
            handler(session["user"], {"taskIds": [int(task_id)]}, ctx)
        except SandboxRequestError as exc:
            self._say(session, exc.message, "error")
            return _redirect(back)
        self._say(session, "Task {0} {1}.".format(task_id, DONE_MESSAGES[action]))
        return _redirect(PREFIX + "/tasks" if action == "delete" else back)

    def frame_image(self, request, session, frame_id, index):
        """A rendered image of one of the user's frames."""
        frame = data.frame_of_user(self.farm.store, session["user"]["id"], int(frame_id))
        outputs = json.loads(frame["outputs"] or "[]") if frame else []
        if int(index) >= len(outputs):
            return _response("Not found", 404, "text/plain; charset=utf-8")
        body = data.storage_bytes(self.farm, session["user"], "output", outputs[int(index)][0])
        if body is None:
            return _response("Not found", 404, "text/plain; charset=utf-8")
        return _response(body, 200, "image/png", cache=True)

    # -- storage and farm -------------------------------------------------------------------

    def storage(self, request, session):
        """One of the user's storages as a tree."""
        kind = request.args.get("kind") or "input"
        if kind not in KINDS:
            kind = "input"
        path = (request.args.get("path") or "/").strip() or "/"
        try:
            files = data.storage_files(self.farm, session["user"], kind, path)
        except ValueError as exc:
            self._say(session, str(exc), "error")
            return _redirect(pages.url("/storage", kind=kind))
        return _response(pages.storage_page(session["user"], session["csrf"], kind, KINDS, path,
                                            data.storage_tree(files), STORAGE_LIMIT))

    def _owner(self):
        users = self.farm.store.users()
        return users[0] if users else None

    def farm_page(self, request, session):
        """Fault settings and request counters, or their live regions."""
        counters = self.farm.request_counters.snapshot()
        columns = self.farm.request_counters.columns
        if request.args.get("partial"):
            return _json({"regions": pages.farm_regions(counters, columns,
                                                        dict(self.farm.faults.counters))})
        owner = self._owner()
        return _response(pages.farm_page(
            session["user"], session["csrf"], data.fault_fields(self.farm.faults),
            owner is not None and owner["id"] == session["user"]["id"],
            owner["user_name"] if owner else "", counters, columns,
            dict(self.farm.faults.counters), self._flash(session)))

    def change_faults(self, request, session):
        """Apply the fault form (the farm's first user only)."""
        owner = self._owner()
        back = PREFIX + "/farm"
        if owner is None or owner["id"] != session["user"]["id"]:
            self._say(session, "Only the farm's first user can change fault injection.",
                      "error")
            return _redirect(back)
        if request.form.get("do") == "clear":
            self.farm.faults.clear()
            self._say(session, "Every fault is switched off.")
            return _redirect(back)
        kwargs = data.parse_fault_form(data.fault_fields(self.farm.faults), request.form)
        try:
            self.farm.faults.set(**kwargs)
        except (TypeError, ValueError) as exc:
            self._say(session, "Not applied: {0}".format(exc), "error")
            return _redirect(back)
        self._say(session, "Fault settings applied." if kwargs
                  else "Every fault is switched off.")
        return _redirect(back)


class RootApp(object):
    """What the farm's server runs: the monitor, and the API application for the rest.

    The monitor answers ``/``, ``/monitor/...`` and ``/favicon.ico``. It is outside fault
    injection and request counting: a browser polling the pages must not use up an error
    burst meant for the SDK under test.
    """

    def __init__(self, farm_app, monitor) -> None:
        self.farm_app = farm_app
        self.monitor = monitor

    def __call__(self, environ, start_response):
        """Send the request to the monitor or to the API application."""
        path = environ.get("PATH_INFO", "")
        if path in ("/", PREFIX, FAVICON) or path.startswith(PREFIX + "/"):
            return self.monitor(environ, start_response)
        return self.farm_app(environ, start_response)
