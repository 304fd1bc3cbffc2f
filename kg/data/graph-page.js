// sitrep-kg graph page: search, filters and the evidence panel, over pyvis's vis.DataSets.
//
// Runs after pyvis's drawGraph(), which defines the globals `network`, `nodes` and `edges`.
// Report text only ever reaches the page through textContent or vis-network string titles
// (which vis renders as text), never through innerHTML.
//
// The view is also driven by the URL hash, so a view can be shared and tested:
//   graph.html#type=Airstrike,Seizure&certainty=Confirmed&actor=actor/isis
//              &from=2015-10-20&to=2015-10-31&class=Actor,Place&q=aleppo&select=place/safira
// After each redraw <body> carries data-kg-ready, data-kg-visible-nodes, -edges and -events.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("kg-data").textContent);
  var body = document.body;
  var $ = function (id) { return document.getElementById(id); };
  var MAX_PANEL_ITEMS = 200;
  var state = { hidden: {}, edgeHidden: {}, applyingHash: false };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function checkbox(container, group, value, text, count) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.name = group;
    box.value = value;
    box.checked = true;
    box.addEventListener("change", onControlsChanged);
    label.appendChild(box);
    label.appendChild(el("span", null, text));
    if (count !== undefined) label.appendChild(el("span", "kg-count", count));
    container.appendChild(label);
  }

  function checkedValues(group) {
    var boxes = document.querySelectorAll("input[name=" + group + "]");
    var all = true, values = [];
    boxes.forEach(function (b) { if (b.checked) values.push(b.value); else all = false; });
    return all ? null : values;  // null: no restriction
  }

  function setChecked(group, values) {
    document.querySelectorAll("input[name=" + group + "]").forEach(function (b) {
      b.checked = values === null || values.indexOf(b.value) >= 0;
    });
  }

  function buildControls() {
    D.classes.forEach(function (c) { checkbox($("kg-class"), "class", c[0], c[1], c[2]); });
    D.types.forEach(function (t) { checkbox($("kg-type"), "type", t[0], t[0], t[1]); });
    D.certainties.forEach(function (c) { checkbox($("kg-certainty"), "certainty", c[0], c[0], c[1]); });
    var actor = $("kg-actor");
    D.actors.forEach(function (a) {
      var option = el("option", null, a[1] + " (" + a[2] + ")");
      option.value = a[0];
      actor.appendChild(option);
    });
    actor.addEventListener("change", onControlsChanged);
    ["kg-from", "kg-to"].forEach(function (id) {
      var input = $(id);
      if (D.meta.first_day) { input.min = D.meta.first_day; input.max = D.meta.last_day; }
      input.addEventListener("change", onControlsChanged);
    });
    var timer = null;
    $("kg-search").addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(onControlsChanged, 200);
    });
    $("kg-reset").addEventListener("click", function () { writeControls({}); onControlsChanged(); });
    $("kg-fit").addEventListener("click", fitVisible);
  }

  // ------------------------------------------------------------ filters <-> controls <-> hash

  function readControls() {
    return {
      cls: checkedValues("class"),
      types: checkedValues("type"),
      certs: checkedValues("certainty"),
      actor: $("kg-actor").value || null,
      from: $("kg-from").value || null,
      to: $("kg-to").value || null,
      q: $("kg-search").value.trim().toLowerCase() || null,
    };
  }

  function writeControls(f) {
    setChecked("class", f.cls || null);
    setChecked("type", f.types || null);
    setChecked("certainty", f.certs || null);
    $("kg-actor").value = f.actor || "";
    $("kg-from").value = f.from || "";
    $("kg-to").value = f.to || "";
    $("kg-search").value = f.q || "";
  }

  function parseHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    var list = function (key) { return params.has(key) ? params.get(key).split(",").filter(Boolean) : null; };
    return {
      cls: list("class"), types: list("type"), certs: list("certainty"),
      actor: resolveActor(params.get("actor")), from: params.get("from"), to: params.get("to"),
      q: params.get("q"), select: params.get("select"), hover: params.get("hover"),
    };
  }

  function resolveActor(value) {
    if (!value) return null;
    var wanted = value.toLowerCase();
    for (var i = 0; i < D.actors.length; i++) {
      if (D.actors[i][0] === value || D.actors[i][1].toLowerCase() === wanted) return D.actors[i][0];
    }
    return null;
  }

  function writeHash(f) {
    var params = new URLSearchParams();
    if (f.cls) params.set("class", f.cls.join(","));
    if (f.types) params.set("type", f.types.join(","));
    if (f.certs) params.set("certainty", f.certs.join(","));
    ["actor", "from", "to", "q"].forEach(function (k) { if (f[k]) params.set(k, f[k]); });
    var hash = params.toString();
    try {
      history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
    } catch (err) {
      // Some browsers refuse history changes on file:// pages; the view still works.
    }
  }

  // ------------------------------------------------------------ visibility

  function eventVisibility(f) {
    var shown = new Uint8Array(D.events.length);
    for (var i = 0; i < D.events.length; i++) {
      var e = D.events[i];
      if (f.types && f.types.indexOf(e.type) < 0) continue;
      if (f.certs && f.certs.indexOf(e.cert) < 0) continue;
      if (f.actor && e.a.indexOf(f.actor) < 0) continue;
      if ((f.from || f.to) && !overlaps(e.s, e.e, f.from, f.to)) continue;
      shown[i] = 1;
    }
    return shown;
  }

  function controlVisibility(f) {
    var shown = new Uint8Array(D.controls.length);
    for (var i = 0; i < D.controls.length; i++) {
      var c = D.controls[i];
      if (f.certs && f.certs.indexOf(c.cert) < 0) continue;
      if (f.actor && c.a.indexOf(f.actor) < 0) continue;
      if ((f.from || f.to) && !overlaps(c.d, c.d, f.from, f.to)) continue;
      shown[i] = 1;
    }
    return shown;
  }

  function overlaps(start, end, from, to) {
    if (!start) return false;  // undated: only shown without a date filter
    return (!to || start <= to) && (!from || (end || start) >= from);
  }

  function any(indices, shown) {
    for (var i = 0; i < indices.length; i++) if (shown[indices[i]]) return true;
    return false;
  }

  function nodeVisibility(f, evShown, crShown) {
    var eventFilter = !!(f.types || f.certs || f.actor || f.from || f.to);
    // Controls are not events: a type filter asks about events only.
    var controlsCount = !f.types;
    var visible = {};
    for (var id in D.nodes) {
      var n = D.nodes[id];
      if (f.cls && f.cls.indexOf(n.c) < 0) continue;
      if (n.ei !== undefined) { if (evShown[n.ei]) visible[id] = true; continue; }
      if (!eventFilter || any(n.ev, evShown) || (controlsCount && any(n.cr, crShown))) visible[id] = true;
    }
    return f.q ? searchVisibility(f.q, visible) : visible;
  }

  function searchVisibility(q, visible) {
    var matches = [], kept = {};
    for (var id in visible) {
      if (D.nodes[id].l.toLowerCase().indexOf(q) >= 0) matches.push(id);
    }
    matches.forEach(function (id) {
      kept[id] = true;
      network.getConnectedNodes(id).forEach(function (other) { if (visible[other]) kept[other] = true; });
    });
    state.matches = matches;
    return kept;
  }

  function edgeVisible(id, visible, evShown, crShown) {
    var meta = D.edges[id];
    if (!visible[meta.f] || !visible[meta.o]) return false;
    if (meta.ev.length && !any(meta.ev, evShown)) return false;
    if (meta.cr.length && !any(meta.cr, crShown)) return false;
    return true;
  }

  function apply(options) {
    var f = readControls();
    state.matches = [];
    var evShown = eventVisibility(f);
    var crShown = controlVisibility(f);
    var visible = nodeVisibility(f, evShown, crShown);
    var nodeUpdates = [], edgeUpdates = [], shownNodes = 0, shownEdges = 0, shownEvents = 0;
    for (var id in D.nodes) {
      var hide = !visible[id];
      if (!hide) shownNodes++;
      if (state.hidden[id] !== hide) { state.hidden[id] = hide; nodeUpdates.push({ id: id, hidden: hide }); }
    }
    for (var eid in D.edges) {
      var hideEdge = !edgeVisible(eid, visible, evShown, crShown);
      if (!hideEdge) shownEdges++;
      if (state.edgeHidden[eid] !== hideEdge) { state.edgeHidden[eid] = hideEdge; edgeUpdates.push({ id: eid, hidden: hideEdge }); }
    }
    for (var i = 0; i < evShown.length; i++) shownEvents += evShown[i];
    if (nodeUpdates.length) nodes.update(nodeUpdates);
    if (edgeUpdates.length) edges.update(edgeUpdates);
    state.evShown = evShown;
    state.crShown = crShown;
    state.filtered = !!(f.types || f.certs || f.actor || f.from || f.to);
    body.dataset.kgVisibleNodes = shownNodes;
    body.dataset.kgVisibleEdges = shownEdges;
    body.dataset.kgVisibleEvents = shownEvents;
    showSearchResult(f.q);
    if (!(options && options.fromHash)) writeHash(f);
    if (state.selected) showPanel(state.selected);
  }

  function showSearchResult(q) {
    var info = $("kg-search-info");
    if (!q) { info.textContent = ""; network.unselectAll(); return; }
    var m = state.matches;
    info.textContent = m.length ? m.length + (m.length === 1 ? " match" : " matches") : "no match";
    network.selectNodes(m.slice(0, 500));
    if (m.length) network.focus(m[0], { scale: Math.max(network.getScale(), 0.8), animation: false });
  }

  function onControlsChanged() { apply(); }

  function fitVisible() {
    var shown = Object.keys(D.nodes).filter(function (id) { return !state.hidden[id]; });
    network.fit({ nodes: shown.length ? shown : undefined, animation: false });
  }

  // ------------------------------------------------------------ evidence panel

  function label(id) { return D.labels[id] || id; }

  function eventLine(e) {
    var who = e.ag.map(label).join(", ");
    var whom = e.tg.map(label).join(", ");
    var where = e.lo.map(label).join(", ");
    var text = who || "unknown agent";
    if (whom) text += " \u2192 " + whom;
    if (where) text += " at " + where;
    return text;
  }

  function evidenceItem(meta, sentence, report) {
    var item = el("div", "kg-item");
    item.appendChild(el("div", "kg-meta", meta));
    item.appendChild(el("blockquote", null, D.sentences[sentence]));
    if (report >= 0) item.appendChild(el("div", "kg-src", D.reports[report]));
    return item;
  }

  function showPanel(id) {
    var n = D.nodes[id];
    var panel = $("kg-panel-body");
    panel.textContent = "";
    state.selected = id;
    body.dataset.kgSelected = id;
    if (!n) return;
    panel.appendChild(el("div", "kg-title", n.l));
    panel.appendChild(el("div", "kg-sub", n.sub));
    var items = [], hidden = 0;
    var events = n.ei !== undefined ? [n.ei] : n.ev;
    events.forEach(function (i) {
      if (state.filtered && !state.evShown[i]) { hidden++; return; }
      var e = D.events[i];
      var meta = [e.s || "undated", e.type, e.cert].join(" \u00b7 ") + "\n" + eventLine(e);
      items.push([e.s || "", evidenceItem(meta, e.x, e.r)]);
    });
    n.cr.forEach(function (i) {
      if (state.filtered && !state.crShown[i]) { hidden++; return; }
      var c = D.controls[i];
      var meta = c.d + " \u00b7 control \u00b7 " + c.cert + "\n" + label(c.p) + " held by " + c.a.map(label).join(", ");
      items.push([c.d, evidenceItem(meta, c.x, c.r)]);
    });
    items.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
    var heading = el("h2", null, "Evidence (" + items.length + ")");
    panel.appendChild(heading);
    items.slice(0, MAX_PANEL_ITEMS).forEach(function (pair) { panel.appendChild(pair[1]); });
    if (items.length > MAX_PANEL_ITEMS) panel.appendChild(el("div", "kg-empty", (items.length - MAX_PANEL_ITEMS) + " more not listed"));
    if (hidden) panel.appendChild(el("div", "kg-empty", hidden + " more hidden by the filters"));
    if (!items.length && !hidden) panel.appendChild(el("div", "kg-empty", "No evidence sentences."));
  }

  // ------------------------------------------------------------ tooltips and start-up

  function setTitles() {
    var nodeTitles = [], edgeTitles = [];
    for (var id in D.nodes) nodeTitles.push({ id: id, title: D.nodes[id].t });
    for (var eid in D.edges) edgeTitles.push({ id: eid, title: D.edges[eid].t });
    nodes.update(nodeTitles);  // strings: vis-network shows them with innerText
    edges.update(edgeTitles);
  }

  function hoverNode(id) {
    // Moves a synthetic mouse over a node so its tooltip opens (used by the page tests).
    var pos = network.getPositions([id])[id];
    if (!pos) return;
    var dom = network.canvasToDOM(pos);
    var canvas = document.querySelector("#mynetwork canvas");
    var rect = canvas.getBoundingClientRect();
    canvas.dispatchEvent(new MouseEvent("mousemove", {
      clientX: rect.left + dom.x, clientY: rect.top + dom.y, bubbles: true,
    }));
  }

  function start() {
    buildControls();
    setTitles();
    var initial = parseHash();
    writeControls(initial);
    apply({ fromHash: true });
    network.on("click", function (params) {
      if (params.nodes.length) showPanel(params.nodes[0]);
    });
    network.once("afterDrawing", function () {
      body.dataset.kgReady = "1";
      if (initial.hover && D.nodes[initial.hover]) hoverNode(initial.hover);
    });
    if (initial.select && D.nodes[initial.select]) {
      network.selectNodes([initial.select]);
      showPanel(initial.select);
    }
    body.dataset.kgNodes = Object.keys(D.nodes).length;
    window.addEventListener("hashchange", function () {
      var f = parseHash();
      writeControls(f);
      apply({ fromHash: true });
      if (f.select && D.nodes[f.select]) showPanel(f.select);
    });
    fitVisible();
    network.redraw();
  }

  start();
})();
