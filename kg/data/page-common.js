// sitrep-kg pages (graph and map): controls, filters, the URL hash and the evidence panel.
//
// A page calls KGPage(view) once its drawing exists. The view draws; this file decides what
// is visible. Report text only ever reaches the page through textContent (or through string
// tooltips that vis-network renders as text), never through innerHTML.
//
// The URL hash drives the view, so a view can be shared and tested:
//   page.html#type=Airstrike,Seizure&certainty=Confirmed&actor=actor/isis
//             &from=2015-10-20&to=2015-10-31&class=Actor,Place&q=aleppo&select=place/safira
// After each change <body> carries data-kg-visible-nodes, -edges and -events, and after the
// first drawing data-kg-ready (and data-kg-ready-ms, milliseconds since navigation).
//
// A view provides: apply(f, evShown, crShown) -> {nodes, edges, matches}, fit(), select(id),
// onReady(callback), hover(id), and may set neighbours(id) -> [ids] for search results.
function KGPage(view) {
  "use strict";
  var D = JSON.parse(document.getElementById("kg-data").textContent);
  var body = document.body;
  var $ = function (id) { return document.getElementById(id); };
  var MAX_PANEL_ITEMS = 200;
  var state = { selected: null, evShown: null, crShown: null, filtered: false };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function label(id) { return D.labels[id] || (D.nodes[id] && D.nodes[id].l) || id; }

  // ------------------------------------------------------------ controls

  function checkbox(container, group, value, text, count) {
    var row = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.name = group;
    box.value = value;
    box.checked = true;
    box.addEventListener("change", function () { apply(); });
    row.appendChild(box);
    row.appendChild(el("span", null, text));
    if (count !== undefined) row.appendChild(el("span", "kg-count", count));
    container.appendChild(row);
  }

  function checkedValues(group) {
    var all = true, values = [];
    document.querySelectorAll("input[name=" + group + "]").forEach(function (b) {
      if (b.checked) values.push(b.value); else all = false;
    });
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
    actor.addEventListener("change", function () { apply(); });
    ["kg-from", "kg-to"].forEach(function (id) {
      var input = $(id);
      if (D.meta.first_day) { input.min = D.meta.first_day; input.max = D.meta.last_day; }
      input.addEventListener("change", function () { apply(); });
    });
    var timer = null;
    $("kg-search").addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(apply, 200);
    });
    $("kg-reset").addEventListener("click", function () { writeControls({}); apply(); view.fit(); });
    $("kg-fit").addEventListener("click", function () { view.fit(); });
  }

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

  // ------------------------------------------------------------ the URL hash

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

  // ------------------------------------------------------------ what is visible

  function overlaps(start, end, from, to) {
    if (!start) return false;  // undated: only shown without a date filter
    return (!to || start <= to) && (!from || (end || start) >= from);
  }

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

  function any(indices, shown) {
    for (var i = 0; i < indices.length; i++) if (shown[indices[i]]) return true;
    return false;
  }

  function eventFilterOn(f) { return !!(f.types || f.certs || f.actor || f.from || f.to); }

  // Which of D.nodes the filters keep (before search). An entity stays while one of its
  // events (or, unless event types are filtered, one of its control statements) does.
  function visibleNodes(f, evShown, crShown) {
    var filtering = eventFilterOn(f), controlsCount = !f.types, visible = {};
    for (var id in D.nodes) {
      var n = D.nodes[id];
      if (f.cls && f.cls.indexOf(n.c) < 0) continue;
      if (n.ei !== undefined) { if (evShown[n.ei]) visible[id] = true; continue; }
      if (!filtering || any(n.ev, evShown) || (controlsCount && any(n.cr, crShown))) visible[id] = true;
    }
    return visible;
  }

  // Search keeps the matching nodes and their neighbours (as the view defines them).
  function searched(q, visible) {
    var matches = [], kept = {};
    for (var id in visible) if (D.nodes[id].l.toLowerCase().indexOf(q) >= 0) matches.push(id);
    matches.forEach(function (id) {
      kept[id] = true;
      (view.neighbours ? view.neighbours(id) : []).forEach(function (other) {
        if (visible[other]) kept[other] = true;
      });
    });
    return { kept: kept, matches: matches };
  }

  function apply(options) {
    var f = readControls();
    var evShown = eventVisibility(f), crShown = controlVisibility(f);
    var visible = visibleNodes(f, evShown, crShown), matches = null;
    if (f.q) {
      var found = searched(f.q, visible);
      visible = found.kept;
      matches = found.matches;
    }
    state.evShown = evShown;
    state.crShown = crShown;
    state.filtered = eventFilterOn(f);
    var drawn = view.apply({ filter: f, visible: visible, evShown: evShown, crShown: crShown, matches: matches });
    var events = 0;
    for (var i = 0; i < evShown.length; i++) events += evShown[i];
    body.dataset.kgVisibleNodes = drawn.nodes;
    body.dataset.kgVisibleEdges = drawn.edges;
    body.dataset.kgVisibleEvents = events;
    $("kg-search-info").textContent = matches === null ? "" :
      matches.length ? matches.length + (matches.length === 1 ? " match" : " matches") : "no match";
    if (!(options && options.fromHash)) writeHash(f);
    if (state.selected) showPanel(state.selected);
  }

  // ------------------------------------------------------------ texts

  function counts(values) {
    var tally = {};
    values.forEach(function (v) { tally[v] = (tally[v] || 0) + 1; });
    return Object.keys(tally).sort(function (a, b) { return tally[b] - tally[a] || (a < b ? -1 : 1); })
      .map(function (k) { return k + " " + tally[k]; });
  }

  function shorten(text, limit) {
    return text.length <= limit ? text : text.slice(0, limit - 1) + "\u2026";
  }

  function eventLine(e) {
    var text = e.ag.map(label).join(", ") || "unknown agent";
    if (e.tg.length) text += " \u2192 " + e.tg.map(label).join(", ");
    if (e.lo.length) text += " at " + e.lo.map(label).join(", ");
    return text;
  }

  function controlLine(c) {
    return label(c.p) + " held by " + c.a.map(label).join(", ") + " as of " + c.d;
  }

  function eventTitle(i) {
    var e = D.events[i];
    var when = e.s ? e.s + (e.e && e.e !== e.s ? " to " + e.e : "") + (e.p ? " (report period)" : "") : "undated";
    var lines = [[e.type, when, e.cert].join(" \u00b7 "), eventLine(e)];
    if (e.k !== null && e.k !== undefined) lines.push("fatalities: " + e.k);
    if (e.x >= 0) lines.push("\u201c" + shorten(D.sentences[e.x], 320) + "\u201d");
    if (e.r >= 0) lines.push("\u2014 " + D.reports[e.r]);
    return lines.join("\n");
  }

  function nodeTitle(id) {
    var n = D.nodes[id];
    if (n.ei !== undefined) return eventTitle(n.ei);
    var lines = [n.l, n.sub];
    var kinds = counts(n.ev.map(function (i) { return D.events[i].type; }));
    if (kinds.length) lines.push(kinds.slice(0, 5).join(", "));
    n.cr.slice(-3).forEach(function (i) { lines.push(controlLine(D.controls[i])); });
    lines.push("Click for the evidence.");
    return lines.join("\n");
  }

  // ------------------------------------------------------------ evidence panel

  function evidenceItem(meta, sentence, report) {
    var item = el("div", "kg-item");
    item.appendChild(el("div", "kg-meta", meta));
    if (sentence >= 0) item.appendChild(el("blockquote", null, D.sentences[sentence]));
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
    (n.ei !== undefined ? [n.ei] : n.ev).forEach(function (i) {
      if (state.filtered && !state.evShown[i]) { hidden++; return; }
      var e = D.events[i];
      var meta = [e.s || "undated", e.type, e.cert].join(" \u00b7 ") + "\n" + eventLine(e);
      items.push([e.s || "", evidenceItem(meta, e.x, e.r)]);
    });
    n.cr.forEach(function (i) {
      if (state.filtered && !state.crShown[i]) { hidden++; return; }
      var c = D.controls[i];
      items.push([c.d, evidenceItem(c.d + " \u00b7 control \u00b7 " + c.cert + "\n" + controlLine(c), c.x, c.r)]);
    });
    items.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
    panel.appendChild(el("h2", null, "Evidence (" + items.length + ")"));
    items.slice(0, MAX_PANEL_ITEMS).forEach(function (pair) { panel.appendChild(pair[1]); });
    if (items.length > MAX_PANEL_ITEMS) panel.appendChild(el("div", "kg-empty", (items.length - MAX_PANEL_ITEMS) + " more not listed"));
    if (hidden) panel.appendChild(el("div", "kg-empty", hidden + " more hidden by the filters"));
    if (!items.length && !hidden) panel.appendChild(el("div", "kg-empty", "No evidence sentences."));
  }

  // ------------------------------------------------------------ start-up

  function start() {
    buildControls();
    var initial = parseHash();
    writeControls(initial);
    apply({ fromHash: true });
    view.fit();
    view.onReady(function () {
      body.dataset.kgReady = "1";
      body.dataset.kgReadyMs = Math.round(performance.now());
      if (initial.hover && D.nodes[initial.hover]) view.hover(initial.hover);
    });
    if (initial.select && D.nodes[initial.select]) {
      view.select(initial.select);
      showPanel(initial.select);
    }
    body.dataset.kgNodes = Object.keys(D.nodes).length;
    window.addEventListener("hashchange", function () {
      var f = parseHash();
      writeControls(f);
      apply({ fromHash: true });
      if (f.select && D.nodes[f.select]) showPanel(f.select);
    });
  }

  var page = {
    data: D, showPanel: showPanel, nodeTitle: nodeTitle, eventTitle: eventTitle,
    label: label, counts: counts, start: start,
  };
  return page;
}
