"""The monitor's HTML, rendered on the server; every value passes through :func:`esc`.

Regions that update live (task rows, frame cells, counters) are rendered by their own
functions, so a page and its live refresh (``?partial=1``) share one rendering.
"""

import json
import re
from html import escape

try:  # Python 3
    from urllib.parse import urlencode
except ImportError:  # pragma: no cover - Python 2
    from urllib import urlencode  # type: ignore[attr-defined,no-redef]

from rayvision_sandbox.monitor import data

PREFIX = "/monitor"
# A json file longer than this is cut on the page (asset.json of a big scene lists every file).
MAX_JSON_CHARS = 200000
NAV = (("tasks", "Tasks"), ("storage", "Storage"), ("farm", "Farm"))


def esc(value):
    """HTML-escaped text of any value ('' for None)."""
    return escape("" if value is None else str(value), quote=True)


_LITERAL = re.compile(r"``(.+?)``")


def doc_text(text):
    """Docstring prose as HTML: escaped, with ````literal```` spans as ``<code>``."""
    return _LITERAL.sub(r"<code>\1</code>", esc(text))


def url(path, **query):
    """A monitor URL with the non-empty query parameters."""
    query = dict((key, value) for key, value in query.items() if value not in (None, ""))
    return PREFIX + path + ("?" + urlencode(sorted(query.items())) if query else "")


def csrf_field(csrf) -> str:
    """The hidden CSRF field every form carries."""
    return '<input type="hidden" name="csrf" value="{0}">'.format(esc(csrf))


def signature(*values) -> str:
    """A short fingerprint of what a live row shows, so unchanged rows are left alone."""
    return "{0:x}".format(abs(hash(json.dumps(values, default=str))) % (1 << 40))


# -- frame of every page -----------------------------------------------------------------------


def layout(title, body, user=None, csrf=None, active=None, live=None, flash=None):
    """A whole page: head, top bar with navigation and sign-out, flash message, body."""
    parts = ['<!doctype html>\n<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             '<title>{0} - rayvision sandbox</title>'.format(esc(title)),
             '<link rel="stylesheet" href="{0}/static/monitor.css">'.format(PREFIX),
             '<script src="{0}/static/monitor.js" defer></script></head>'.format(PREFIX),
             '<body{0}>'.format(' data-live="{0}"'.format(esc(live)) if live else ""),
             '<header class="top"><a class="brand" href="{0}/tasks">'
             '<span class="logo" aria-hidden="true"></span>rayvision sandbox</a>'.format(PREFIX)]
    if user is not None:
        parts.append('<nav>')
        for name, label in NAV:
            parts.append('<a href="{0}/{1}"{2}>{3}</a>'.format(
                PREFIX, name, ' class="on" aria-current="page"' if name == active else "",
                label))
        parts.append('</nav><form class="who" method="post" action="{0}/logout">'
                     '<span class="user" title="signed in">{1}</span>{2}'
                     '<button class="link" type="submit">Sign out</button></form>'.format(
                         PREFIX, esc(user["user_name"]), csrf_field(csrf)))
    parts.append('</header><main>')
    if flash:
        parts.append('<p class="flash {0}" role="status">{1}</p>'.format(
            esc(flash.get("kind", "ok")), esc(flash.get("text"))))
    parts.append(body)
    parts.append('</main></body></html>')
    return "".join(parts)


def login_page(error=None, access_id: str = ""):
    """The sign-in form (the key field is never filled in again)."""
    body = ['<section class="card login"><h1>Sign in</h1>',
            '<p class="muted">Use a farm user\'s access id and key, or open the one-time '
            'link that <code>rayvision-sandbox serve</code> prints.</p>']
    if error:
        body.append('<p class="flash error" role="alert">{0}</p>'.format(esc(error)))
    body.append(
        '<form method="post" action="{0}/login" autocomplete="off">'
        '<label>Access id<input name="access_id" value="{1}" required spellcheck="false" '
        'autocapitalize="off"></label>'
        '<label>Access key<input name="access_key" type="password" required '
        'autocomplete="off"></label>'
        '<button type="submit">Sign in</button></form></section>'.format(PREFIX,
                                                                           esc(access_id)))
    return layout("Sign in", "".join(body))


def error_page(user, csrf, status, message):
    """A page for a missing task or a refused action."""
    body = '<section class="card"><h1>{0}</h1><p>{1}</p><p><a href="{2}/tasks">Back to ' \
           'the tasks</a></p></section>'.format(esc(status), esc(message), PREFIX)
    return layout(str(status), body, user, csrf)


# -- tasks -------------------------------------------------------------------------------------


def progress_bar(total, done, failed, executing=0) -> str:
    """Frames done / failed / rendering of a total, as a bar and in figures."""
    total = total or 0

    def share(count):
        return "{0:.2f}%".format(100.0 * count / total) if total else "0%"

    return ('<div class="bar" role="img" aria-label="{1} of {0} frames done, {2} failed">'
            '<span class="done" style="width:{3}"></span>'
            '<span class="failed" style="width:{4}"></span>'
            '<span class="executing" style="width:{5}"></span></div>'
            '<span class="figures">{1} / <b class="bad">{2}</b> / {0}</span>').format(
                total, done, failed, share(done), share(failed), share(executing))


def status_chip(words, css) -> str:
    """A coloured status label."""
    return '<span class="chip {0}">{1}</span>'.format(esc(css), esc(words))


def task_rows(page):
    """The ``<tr>`` of each task of a page (live region ``task-rows``)."""
    if not page["items"]:
        return '<tr class="empty"><td colspan="7">No tasks match.</td></tr>'
    rows = []
    for task in page["items"]:
        sig = signature(task["status"], task["total"], task["done"], task["failed"],
                        task["executing"], task["elapsed"])
        rows.append(
            '<tr data-key="{id}" data-sig="{sig}" data-status="{status}">'
            '<td class="num"><a href="{link}">{id}</a></td>'
            '<td class="scene" title="{project}">{scene}</td><td>{dcc}</td><td>{chip}</td>'
            '<td class="frames">{bar}</td><td class="time">{submitted}</td>'
            '<td class="time">{elapsed}</td></tr>'.format(
                id=task["id"], sig=sig, status=esc(task["status_words"]),
                link=url("/tasks/{0}".format(task["id"])), project=esc(task["project_name"]),
                scene=esc(task["scene_name"]), dcc=esc(task["dcc"]),
                chip=status_chip(task["status_words"], task["status_class"]),
                bar=progress_bar(task["total"], task["done"], task["failed"],
                                 task["executing"]),
                submitted=esc(data.text_time(task["submit_date"])),
                elapsed=esc(task["elapsed"])))
    return "".join(rows)


def filter_tabs(page, status_filter, search):
    """Links to each status filter with its count (live region ``filters``)."""
    links = []
    for name, _ in data.STATUS_FILTERS:
        links.append('<a href="{0}"{1}>{2} <span class="count">{3}</span></a>'.format(
            url("/tasks", status=None if name == "all" else name, q=search),
            ' class="on" aria-current="true"' if name == status_filter else "",
            name.capitalize(), page["counts"].get(name, 0)))
    return "".join(links)


def pager(page, status_filter, search) -> str:
    """Previous / next page links (live region ``pager``)."""
    def link(number, label, rel) -> str:
        if number < 1 or number > page["pages"] or number == page["page"]:
            return '<span class="disabled">{0}</span>'.format(label)
        return '<a rel="{0}" href="{1}">{2}</a>'.format(rel, url(
            "/tasks", status=None if status_filter == "all" else status_filter, q=search,
            page=number), label)

    return '{0}<span class="where">page {1} of {2} &middot; {3} tasks</span>{4}'.format(
        link(page["page"] - 1, "&larr; Newer", "prev"), page["page"], page["pages"],
        page["total"], link(page["page"] + 1, "Older &rarr;", "next"))


def tasks_regions(page, status_filter, search):
    """The live regions of the tasks page."""
    return {"task-rows": task_rows(page), "filters": filter_tabs(page, status_filter, search),
            "pager": pager(page, status_filter, search)}


def tasks_page(user, csrf, page, status_filter, search, flash=None):
    """The task list."""
    regions = tasks_regions(page, status_filter, search)
    body = (
        '<div class="head"><h1>Tasks</h1>'
        '<form class="search" method="get" action="{prefix}/tasks" role="search">'
        '{hidden}<input type="search" name="q" value="{q}" placeholder="Task id, scene or '
        'project" aria-label="Search tasks"><button type="submit">Search</button></form></div>'
        '<nav class="tabs" id="filters" aria-label="Status filter">{filters}</nav>'
        '<div class="scroll"><table class="tasks"><thead><tr><th>Task</th><th>Scene</th>'
        '<th>DCC</th><th>Status</th><th>Frames done / failed / total</th><th>Submitted</th>'
        '<th>Elapsed</th></tr></thead><tbody id="task-rows">{rows}</tbody></table></div>'
        '<nav class="pager" id="pager" aria-label="Pages">{pager}</nav>').format(
            prefix=PREFIX, q=esc(search),
            hidden='<input type="hidden" name="status" value="{0}">'.format(esc(status_filter))
            if status_filter != "all" else "",
            filters=regions["filters"], rows=regions["task-rows"], pager=regions["pager"])
    live = url("/tasks", status=None if status_filter == "all" else status_filter, q=search,
               page=page["page"] if page["page"] > 1 else None, partial=1)
    return layout("Tasks", body, user, csrf, "tasks", live, flash)


# -- one task ----------------------------------------------------------------------------------

# Action -> (button label, task statuses that offer it, confirmation question or None).
ACTION_BUTTONS = (
    ("stop", "Stop", (0, 5, 8, 40), None),
    ("start", "Start", (10, 20, 23), None),
    ("full-speed", "Render the rest", (40,), None),
    ("restart-failed", "Restart failed frames", None, None),  # when frames failed
    ("delete", "Delete", None, "Delete this task? It disappears from every query."),
)


BUTTON_STYLES = {"delete": "danger", "restart-failed": "secondary"}


def action_buttons(task, csrf):
    """Forms of the operator buttons that apply to the task now (live region ``actions``)."""
    forms = []
    failed = task["counts"].get("failed", 0)
    for action, label, statuses, question in ACTION_BUTTONS:
        if statuses is not None and task["status"] not in statuses:
            continue
        if action == "restart-failed" and not failed:
            continue
        forms.append(
            '<form method="post" action="{0}"{1}>{2}<button type="submit" name="action" '
            'value="{3}" class="{4}" data-action="{3}">{5}</button></form>'.format(
                url("/tasks/{0}/action".format(task["id"])),
                ' data-confirm="{0}"'.format(esc(question)) if question else "",
                csrf_field(csrf), action, BUTTON_STYLES.get(action, ""),
                esc(label)))
    return "".join(forms)


def task_facts(task):
    """The task's facts as a definition list (live region ``facts``)."""
    counts = ", ".join("{0} {1}".format(count, word) for word, count in task["counts"].items()
                       if count)
    facts = (("Status", status_chip(task["status_words"], task["status_class"])),
             ("Frames", esc(counts or "none")),
             ("Project", esc(task["project_name"])), ("Frame range", esc(task["frames_range"])),
             ("Camera", esc(task["camera"])),
             ("Resolution", esc("{0} x {1}".format(task["width"], task["height"])
                                if task["width"] else "")),
             ("Submitted", esc(data.text_time(task["submit_date"]))),
             ("Started", esc(data.text_time(task["start_time"]))),
             ("Completed", esc(data.text_time(task["completed_date"]))),
             ("Elapsed", esc(task["elapsed"])))
    return "".join('<div><dt>{0}</dt><dd>{1}</dd></div>'.format(name, value)
                   for name, value in facts)


def frame_cells(task, frames, selected=None, fpage=None):
    """One cell per frame: thumbnail when done, status, time (live region ``frames``)."""
    cells = []
    for frame in frames:
        version = "{0}-{1}".format(frame["recommit_flag"], frame["end_time"] or 0)
        sig = signature(frame["status"], frame["time"], version, frame["id"] == selected)
        if frame["images"]:
            picture = '<img src="{0}" alt="frame {1}" width="160" height="90" ' \
                      'loading="lazy">'.format(url("/frames/{0}/image/0".format(frame["id"]),
                                                   v=version), esc(frame["frame_index"]))
        else:
            picture = '<span class="placeholder">{0}</span>'.format(esc(frame["status_words"]))
        cells.append(
            '<a class="cell {css}{sel}" data-key="{id}" data-sig="{sig}" '
            'data-status="{words}" href="{link}" data-panel>{picture}'
            '<span class="caption"><b>{index}</b> <span class="layer">{layer}</span>'
            '<span class="state">{words}</span><span class="time">{time}</span></span>'
            '</a>'.format(
                css=esc(frame["status_words"].replace(" ", "-")),
                sel=" selected" if frame["id"] == selected else "", id=frame["id"], sig=sig,
                words=esc(frame["status_words"]),
                link=url("/tasks/{0}".format(task["id"]), frame=frame["id"], fpage=fpage),
                picture=picture,
                index=esc(frame["frame_index"]), layer=esc(frame["layer"]),
                time=esc(frame["time"])))
    return "".join(cells) or '<p class="muted">This task has no frames.</p>'


def frame_panel(task, frame, log) -> str:
    """Status, times, images and render log of one frame (live region ``frame-panel``)."""
    if frame is None:
        return '<p class="muted">Choose a frame to see its render log.</p>'
    images = "".join(
        '<figure><img src="{0}" alt="{1}"><figcaption>{1}</figcaption></figure>'.format(
            url("/frames/{0}/image/{1}".format(frame["id"], index),
                v="{0}-{1}".format(frame["recommit_flag"], frame["end_time"] or 0)),
            esc(path)) for index, path in enumerate(frame["images"]))
    return (
        '<h2>Frame {index} <small>{layer}</small></h2><dl class="facts small">'
        '<div><dt>Status</dt><dd>{words}</dd></div><div><dt>Time</dt><dd>{time}</dd></div>'
        '<div><dt>Started</dt><dd>{start}</dd></div><div><dt>Ended</dt><dd>{end}</dd></div>'
        '<div><dt>Rendered</dt><dd>{times}</dd></div></dl>{images}'
        '<h3>Render log</h3><pre class="log">{log}</pre>').format(
            index=esc(frame["frame_index"]), layer=esc(frame["layer"]),
            words=esc(frame["status_words"]), time=esc(frame["time"]),
            start=esc(data.text_time(frame["start_time"])),
            end=esc(data.text_time(frame["end_time"])),
            times=esc("{0} time(s)".format(frame["recommit_flag"] + 1)), images=images,
            log=esc(log or "(nothing rendered yet)"))


def frame_pager(task, pager, selected=None) -> str:
    """Links to the pages of a task's frames (live region ``frame-pager``); '' for one page."""
    if pager["pages"] == 1:
        return ""

    def link(number, label, rel) -> str:
        if number < 1 or number > pager["pages"]:
            return '<span class="disabled">{0}</span>'.format(label)
        return '<a rel="{0}" href="{1}">{2}</a>'.format(rel, url(
            "/tasks/{0}".format(task["id"]), frame=selected, fpage=number), label)

    return '{0}<span class="where">frames {1}-{2} of {3}</span>{4}'.format(
        link(pager["page"] - 1, "&larr; Previous", "prev"), pager["first"], pager["last"],
        pager["total"], link(pager["page"] + 1, "Next &rarr;", "next"))


def task_regions(task, frames, pager, csrf, selected_frame, log):
    """The live regions of a task page."""
    selected = selected_frame and selected_frame["id"]
    fpage = pager["page"] if pager["page"] > 1 else None
    return {"actions": action_buttons(task, csrf), "facts": task_facts(task),
            "frames": frame_cells(task, frames, selected, fpage),
            "frame-pager": frame_pager(task, pager, selected),
            "frame-panel": frame_panel(task, selected_frame, log)}


def tips_table(tips) -> str:
    """tips.json as a table; tips about missing files are highlighted first."""
    if not isinstance(tips, dict) or not tips:
        return '<p class="muted">No tips: the analysis found nothing to report.</p>'
    missing = data.missing_file_tips(tips)
    rows = []
    for code, text, messages in missing:
        rows.append('<tr class="missing"><td class="code">{0}</td><td>{1}</td><td>{2}</td>'
                    '</tr>'.format(esc(code), esc(text), "<br>".join(
                        '<code>{0}</code>'.format(esc(message)) for message in messages)))
    codes = set(code for code, _, _ in missing)
    for code, messages in sorted(tips.items()):
        if str(code) in codes:
            continue
        messages = messages if isinstance(messages, list) else [messages]
        rows.append('<tr><td class="code">{0}</td><td>{1}</td><td>{2}</td></tr>'.format(
            esc(code), esc(data.tip_meaning(code)),
            "<br>".join('<code>{0}</code>'.format(esc(m)) for m in messages)))
    banner = ""
    if missing:
        count = sum(len(messages) for _, _, messages in missing)
        banner = '<p class="flash error" role="alert">{0} missing file{1} reported by the ' \
                 'analysis.</p>'.format(count, "" if count == 1 else "s")
    return '{0}<table class="tips"><thead><tr><th>Code</th><th>Meaning</th><th>Details</th>' \
           '</tr></thead><tbody>{1}</tbody></table>'.format(banner, "".join(rows))


def json_files(files):
    """The task's configuration files, pretty-printed, tips first as a table."""
    parts = []
    for name, (text, parsed) in files:
        if text is None:
            parts.append('<details><summary>{0}.json <span class="muted">not uploaded'
                         '</span></summary></details>'.format(esc(name)))
            continue
        pretty = json.dumps(parsed, indent=2, ensure_ascii=False, sort_keys=False) \
            if parsed is not None else text
        note = "" if parsed is not None else ' <span class="bad">not valid JSON</span>'
        if len(pretty) > MAX_JSON_CHARS:
            pretty = u"{0}\n... {1} more characters (the whole file is in the config " \
                     u"storage)".format(pretty[:MAX_JSON_CHARS], len(pretty) - MAX_JSON_CHARS)
        extra = tips_table(parsed) if name == "tips" else ""
        parts.append('<details{0}><summary>{1}.json <span class="muted">{2} bytes</span>{3}'
                     '</summary>{4}<pre class="json">{5}</pre></details>'.format(
                         " open" if name == "tips" else "", esc(name),
                         len(text.encode("utf-8")), note, extra, esc(pretty)))
    return "".join(parts)


def task_page(user, csrf, task, frames, pager, files, selected_frame, log, flash=None):
    """One task: facts, operator buttons, frame grid, frame panel, json files."""
    regions = task_regions(task, frames, pager, csrf, selected_frame, log)
    body = (
        '<p class="crumbs"><a href="{prefix}/tasks">Tasks</a> / {id}</p>'
        '<div class="head"><h1>Task {id} <small>{scene} &middot; {dcc}</small></h1>'
        '<div class="actions" id="actions">{actions}</div></div>'
        '<dl class="facts" id="facts">{facts}</dl>'
        '<div class="split"><section class="frames-box"><h2>Frames</h2>'
        '<div class="grid" id="frames">{cells}</div>'
        '<nav class="pager" id="frame-pager" aria-label="Frame pages">{pager}</nav></section>'
        '<aside class="panel" id="frame-panel">{panel}</aside></div>'
        '<section id="files"><h2>Configuration files</h2>{files}</section>').format(
            prefix=PREFIX, id=task["id"], scene=esc(task["scene_name"]), dcc=esc(task["dcc"]),
            actions=regions["actions"], facts=regions["facts"], cells=regions["frames"],
            pager=regions["frame-pager"],
            panel=regions["frame-panel"], files=json_files(files))
    live = url("/tasks/{0}".format(task["id"]), frame=selected_frame and selected_frame["id"],
               fpage=pager["page"] if pager["page"] > 1 else None, partial=1)
    return layout("Task {0}".format(task["id"]), body, user, csrf, "tasks", live, flash)


# -- storage -----------------------------------------------------------------------------------


def _tree_html(node, shown, limit):
    parts = []
    for name, child in sorted(node["dirs"].items()):
        if shown[0] >= limit:
            break
        parts.append('<li><details{0}><summary><span class="folder">{1}/</span>'
                     '<span class="muted">{2} file{3}, {4}</span></summary><ul>{5}</ul>'
                     '</details></li>'.format(
                         " open" if child["count"] <= 12 else "", esc(name), child["count"],
                         "" if child["count"] == 1 else "s", data.human_size(child["size"]),
                         _tree_html(child, shown, limit)))
    for item in node["files"]:
        if shown[0] >= limit:
            break
        shown[0] += 1
        parts.append('<li class="file"><span class="name">{0}</span><span class="size">{1}'
                     '</span><code class="digest" title="SHA-256 {2}">{3}</code></li>'.format(
                         esc(item["name"]), data.human_size(item["size"]), esc(item["sha256"]),
                         esc(item["sha256"][:16])))
    return "".join(parts)


def storage_page(user, csrf, kind, kinds, path, tree, limit):
    """One of the user's storages as a folder tree with sizes and digests."""
    tabs = "".join('<a href="{0}"{1}>{2}</a>'.format(
        url("/storage", kind=name), ' class="on" aria-current="true"' if name == kind else "",
        esc(name)) for name in kinds)
    shown = [0]
    listing = _tree_html(tree, shown, limit)
    more = ""
    if tree["count"] > shown[0]:
        more = '<p class="flash">{0} of {1} files shown; narrow the path to see the ' \
               'rest.</p>'.format(shown[0], tree["count"])
    body = (
        '<div class="head"><h1>Storage</h1><form class="search" method="get" '
        'action="{prefix}/storage"><input type="hidden" name="kind" value="{kind}">'
        '<input name="path" value="{path}" aria-label="Folder" placeholder="/"><button '
        'type="submit">Show</button></form></div><nav class="tabs">{tabs}</nav>'
        '<p class="muted">{kind} storage <code>{path}</code>: {count} file{s}, {size}.</p>'
        '{more}<ul class="tree">{listing}</ul>').format(
            prefix=PREFIX, kind=esc(kind), path=esc(path), tabs=tabs, count=tree["count"],
            s="" if tree["count"] == 1 else "s", size=data.human_size(tree["size"]),
            more=more, listing=listing or '<li class="muted">No files.</li>')
    return layout("Storage", body, user, csrf, "storage")


# -- farm --------------------------------------------------------------------------------------


def request_counter_rows(counters, columns):
    """The request counters per endpoint (live region ``requests``)."""
    if not counters:
        return '<tr class="empty"><td colspan="{0}">No requests yet.</td></tr>'.format(
            len(columns) + 1)
    rows = []
    for endpoint, row in counters.items():
        rows.append('<tr data-key="{0}" data-sig="{1}"><td><code>{0}</code></td>{2}</tr>'
                    .format(esc(endpoint), signature(row), "".join(
                        '<td class="num{0}">{1}</td>'.format(
                            " bad" if column in ("4xx", "5xx", "resets") and row[column]
                            else "", row[column]) for column in columns)))
    return "".join(rows)


def fault_counter_list(counters):
    """What the injected faults did so far (live region ``fault-counters``)."""
    return "".join('<div><dt>{0}</dt><dd>{1}</dd></div>'.format(
        esc(name.replace("_", " ")), esc(value)) for name, value in sorted(counters.items()))


def farm_regions(counters, columns, fault_counters):
    """The live regions of the farm page."""
    return {"requests": request_counter_rows(counters, columns),
            "fault-counters": fault_counter_list(fault_counters)}


def farm_page(user, csrf, fields, can_edit, owner_name, counters, columns, fault_counters,
              flash=None):
    """Fault settings (a form for the farm's owner) and request counters."""
    disabled = "" if can_edit else " disabled"
    rows = "".join(
        '<tr><th scope="row"><label for="f-{name}"><code>{name}</code></label></th>'
        '<td><input id="f-{name}" name="{name}" value="{value}" spellcheck="false" '
        'placeholder="off"{disabled}></td><td class="help"><span class="type">{type}</span> '
        '{help}</td></tr>'.format(name=esc(field["name"]), value=esc(field["value"]),
                                  disabled=disabled, type=esc(field["type"]),
                                  help=doc_text(field["help"])) for field in fields)
    active = [field for field in fields if field["value"]]
    summary = ", ".join("{0} = {1}".format(field["name"], field["value"]) for field in active)
    note = "" if can_edit else '<p class="muted">Only the farm\'s first user ({0}) can ' \
                               'change them.</p>'.format(esc(owner_name))
    buttons = "" if not can_edit else (
        '<div class="buttons"><button type="submit" name="do" value="apply">Apply</button>'
        '<button type="submit" name="do" value="clear" class="secondary">Switch all off'
        '</button></div>')
    regions = farm_regions(counters, columns, fault_counters)
    body = (
        '<div class="head"><h1>Farm</h1></div><section><h2>Fault injection</h2>'
        '<p class="active-faults">{state}</p>{note}'
        '<form method="post" action="{prefix}/farm" class="faults">{csrf}'
        '<div class="scroll"><table><thead><tr><th>Setting</th><th>Value (JSON)</th>'
        '<th>Meaning</th></tr></thead><tbody>{rows}</tbody></table></div>{buttons}</form>'
        '<dl class="facts small" id="fault-counters">{fault_counters}</dl></section>'
        '<section><h2>Requests per endpoint</h2><div class="scroll"><table class="counters">'
        '<thead><tr><th>Endpoint</th>{heads}</tr></thead><tbody id="requests">{requests}'
        '</tbody></table></div></section>').format(
            state=esc("Active: " + summary) if active else "No fault is active.",
            note=note, prefix=PREFIX, csrf=csrf_field(csrf), rows=rows, buttons=buttons,
            fault_counters=regions["fault-counters"],
            heads="".join('<th class="num">{0}</th>'.format(esc(c)) for c in columns),
            requests=regions["requests"])
    return layout("Farm", body, user, csrf, "farm", url("/farm", partial=1), flash)
