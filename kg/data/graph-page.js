// sitrep-kg graph page: the vis-network view behind page-common.js's controls.
//
// Runs after pyvis's drawGraph(), which defines the globals `network`, `nodes` and `edges`
// (vis.DataSets). Hiding is sent to vis as updates of the nodes and edges that changed only.
(function () {
  "use strict";
  var hidden = {}, edgeHidden = {};

  var view = {
    apply: function (v) {
      var D = page.data, nodeUpdates = [], edgeUpdates = [], shownNodes = 0, shownEdges = 0;
      for (var id in D.nodes) {
        var hide = !v.visible[id];
        if (!hide) shownNodes++;
        if (hidden[id] !== hide) { hidden[id] = hide; nodeUpdates.push({ id: id, hidden: hide }); }
      }
      for (var eid in D.edges) {
        var hideEdge = !edgeVisible(D.edges[eid], v);
        if (!hideEdge) shownEdges++;
        if (edgeHidden[eid] !== hideEdge) { edgeHidden[eid] = hideEdge; edgeUpdates.push({ id: eid, hidden: hideEdge }); }
      }
      if (nodeUpdates.length) nodes.update(nodeUpdates);
      if (edgeUpdates.length) edges.update(edgeUpdates);
      showMatches(v.matches);
      return { nodes: shownNodes, edges: shownEdges };
    },
    neighbours: function (id) { return network.getConnectedNodes(id); },
    fit: function () {
      var shown = Object.keys(page.data.nodes).filter(function (id) { return !hidden[id]; });
      network.fit({ nodes: shown.length ? shown : undefined, animation: false });
    },
    select: function (id) { network.selectNodes([id]); },
    onReady: function (callback) { network.once("afterDrawing", callback); network.redraw(); },
    hover: hoverNode,
  };

  function any(indices, shown) {
    for (var i = 0; i < indices.length; i++) if (shown[indices[i]]) return true;
    return false;
  }

  function edgeVisible(meta, v) {
    if (!v.visible[meta.f] || !v.visible[meta.o]) return false;
    if (meta.ev.length && !any(meta.ev, v.evShown)) return false;
    if (meta.cr.length && !any(meta.cr, v.crShown)) return false;
    return true;
  }

  function showMatches(matches) {
    if (matches === null) { network.unselectAll(); return; }
    network.selectNodes(matches.slice(0, 500));
    if (matches.length) network.focus(matches[0], { scale: Math.max(network.getScale(), 0.8), animation: false });
  }

  function edgeTitle(meta) {
    var D = page.data, from = page.label(meta.f), to = page.label(meta.o);
    if (meta.cr.length) {
      var days = meta.cr.map(function (i) { return D.controls[i].d; }).sort();
      return from + " controlled by " + to + "\nas of " + days.join(", ");
    }
    if (meta.ev.length > 1 || D.meta.collapsed) {
      var kinds = page.counts(meta.ev.map(function (i) { return D.events[i].type; }));
      return from + " \u2192 " + to + ": " + meta.k + " in " + meta.ev.length + " events\n" + kinds.join(", ");
    }
    return from + " \u2192 " + to + ": " + meta.k;
  }

  // Titles are set on first hover, not up front: a DataSet update of thousands of nodes
  // costs seconds. They are strings, which vis-network shows with innerText (never as HTML).
  function titleOnHover() {
    var titled = {}, edgeTitled = {};
    network.on("hoverNode", function (params) {
      var id = params.node;
      if (!page.data.nodes[id] || titled[id]) return;
      titled[id] = true;
      nodes.update({ id: id, title: page.nodeTitle(id) });
    });
    network.on("hoverEdge", function (params) {
      var id = params.edge, meta = page.data.edges[id];
      if (!meta || edgeTitled[id]) return;
      edgeTitled[id] = true;
      edges.update({ id: id, title: edgeTitle(meta) });
    });
  }

  function hoverNode(id) {
    // A synthetic mouse over the node, so its tooltip opens (the page tests use #hover=).
    var pos = network.getPositions([id])[id];
    if (!pos) return;
    var dom = network.canvasToDOM(pos);
    var canvas = document.querySelector("#mynetwork canvas");
    var rect = canvas.getBoundingClientRect();
    canvas.dispatchEvent(new MouseEvent("mousemove", {
      clientX: rect.left + dom.x, clientY: rect.top + dom.y, bubbles: true,
    }));
  }

  var page = KGPage(view);
  // pyvis drew every node and edge visible; only changes from that are sent to vis.
  for (var id in page.data.nodes) hidden[id] = false;
  for (var eid in page.data.edges) edgeHidden[eid] = false;
  titleOnHover();
  network.on("click", function (params) { if (params.nodes.length) page.showPanel(params.nodes[0]); });
  page.start();
})();
