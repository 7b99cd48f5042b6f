// rayvision sandbox monitor: live regions and a few conveniences. The pages work without it.
(function () {
  "use strict";

  var INTERVAL = 1000;

  // Replace the children of `box` by those of `html`, keeping the unchanged ones (same
  // data-key and data-sig) so loaded images and hover states survive a refresh.
  function morph(box, html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var fresh = Array.prototype.slice.call(template.content.childNodes);
    var keyed = {};
    Array.prototype.forEach.call(box.children, function (child) {
      if (child.dataset && child.dataset.key) { keyed[child.dataset.key] = child; }
    });
    if (!fresh.length || !fresh[0].dataset || !fresh[0].dataset.key) {
      if (box.innerHTML !== template.innerHTML) { box.innerHTML = html; }
      return;
    }
    var nodes = fresh.map(function (node) {
      var old = node.dataset && keyed[node.dataset.key];
      return old && old.dataset.sig === node.dataset.sig ? old : node;
    });
    var same = nodes.length === box.children.length && nodes.every(function (node, index) {
      return box.children[index] === node;
    });
    if (!same) { box.replaceChildren.apply(box, nodes); }
  }

  function refresh() {
    var source = document.body.dataset.live;
    if (!source || document.hidden) { return Promise.resolve(); }
    return fetch(source, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); return null; }
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (!answer || !answer.regions) { return; }
        Object.keys(answer.regions).forEach(function (id) {
          var box = document.getElementById(id);
          if (box) { morph(box, answer.regions[id]); }
        });
        document.body.dataset.refreshed = String(Date.now());
      })
      .catch(function () { /* the farm is restarting: try again next time */ });
  }

  function loop() {
    refresh().then(function () { window.setTimeout(loop, INTERVAL); });
  }

  // A frame cell opens its log in the side panel without leaving the page.
  document.addEventListener("click", function (event) {
    var cell = event.target.closest && event.target.closest("a[data-panel]");
    if (!cell || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    var target = new URL(cell.href, window.location.href);
    window.history.replaceState(null, "", target.pathname + target.search);
    var live = new URL(document.body.dataset.live, window.location.href);
    live.searchParams.set("frame", target.searchParams.get("frame"));
    document.body.dataset.live = live.pathname + live.search;
    refresh();
  });

  document.addEventListener("submit", function (event) {
    var question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  if (document.body.dataset.live) { window.setTimeout(loop, INTERVAL); }
}());
