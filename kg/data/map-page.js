// sitrep-kg map page: places, event activity and supply lines on a <canvas>, behind
// page-common.js's controls. Equirectangular projection (longitude scaled by the cosine of the
// mean latitude), a graticule, labels that give way to busier places; scroll zooms, drag pans.
(function () {
  "use strict";
  var canvas = document.getElementById("kg-map");
  var tip = document.getElementById("kg-tip");
  var ctx = canvas.getContext("2d");
  var PLACE = "#0072B2", EVENT = "#009E73", LINE = "#8C6D1F", GRID = "#e3e7eb", INK = "#1f2328";
  var cam = { x: 0, y: 0, scale: 100 };  // screen = (world - cam) * scale + centre
  var width = 0, height = 0, kx = 1;
  var current = null, selected = null, hits = [], waiting = [], drawn = false;
  var page, D;

  // ------------------------------------------------------------ projection

  function world(id) {
    var g = D.geo[id];
    return [g[1] * kx, -g[0]];
  }

  function screen(p) {
    return [(p[0] - cam.x) * cam.scale + width / 2, (p[1] - cam.y) * cam.scale + height / 2];
  }

  function resize() {
    var dpr = window.devicePixelRatio || 1;
    width = canvas.clientWidth;
    height = canvas.clientHeight;
    canvas.width = Math.max(1, Math.round(width * dpr));
    canvas.height = Math.max(1, Math.round(height * dpr));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  }

  // ------------------------------------------------------------ what is drawn

  function activity(id) {
    var n = D.nodes[id], count = 0;
    for (var i = 0; i < n.ev.length; i++) count += current.evShown[n.ev[i]];
    return count;
  }

  function classOn(cls) { return !current.filter.cls || current.filter.cls.indexOf(cls) >= 0; }

  function places() { return Object.keys(D.geo); }

  function draw() {
    if (!current) return;
    ctx.fillStyle = "#fbfcfd";
    ctx.fillRect(0, 0, width, height);
    graticule();
    var segments = drawLines();
    hits = [];
    var shown = places().filter(function (id) { return current.visible[id] || (classOn("Event") && activityShown(id)); });
    shown.forEach(drawActivity);
    var markers = shown.filter(function (id) { return current.visible[id]; });
    markers.forEach(drawPlace);
    labels(markers);
    if (!drawn) {
      drawn = true;
      waiting.splice(0).forEach(function (callback) { callback(); });
    }
    var lines = Object.keys(D.stops).filter(function (id) { return current.visible[id]; }).length;
    return { nodes: markers.length + lines, edges: segments };
  }

  function activityShown(id) {
    // With places unticked, activity still shows where the search (if any) leaves it.
    return activity(id) > 0 && (!current.filter.q || current.matches.indexOf(id) >= 0);
  }

  function graticule() {
    var steps = [10, 5, 2, 1, 0.5, 0.25, 0.1], step = steps[0];
    for (var i = 0; i < steps.length; i++) if (steps[i] * cam.scale >= 70) step = steps[i];
    var west = (cam.x - width / 2 / cam.scale) / kx, east = (cam.x + width / 2 / cam.scale) / kx;
    var north = -(cam.y - height / 2 / cam.scale), south = -(cam.y + height / 2 / cam.scale);
    ctx.strokeStyle = GRID;
    ctx.lineWidth = 1;
    ctx.fillStyle = "#8c959f";
    ctx.font = "11px system-ui, sans-serif";
    for (var lon = Math.ceil(west / step) * step; lon <= east; lon += step) {
      var x = screen([lon * kx, 0])[0];
      line(x, 0, x, height);
      ctx.fillText(degrees(lon, "E", "W"), x + 3, 12);
    }
    for (var lat = Math.ceil(south / step) * step; lat <= north; lat += step) {
      var y = screen([0, -lat])[1];
      line(0, y, width, y);
      ctx.fillText(degrees(lat, "N", "S"), 3, y - 3);
    }
  }

  function degrees(value, positive, negative) {
    var text = String(Math.round(Math.abs(value) * 100) / 100);
    return text + "\u00b0" + (value >= 0 ? positive : negative);
  }

  function line(x0, y0, x1, y1) {
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
  }

  function drawLines() {
    var segments = 0;
    ctx.strokeStyle = LINE;
    ctx.lineWidth = 3;
    ctx.lineJoin = "round";
    Object.keys(D.stops).forEach(function (id) {
      if (!current.visible[id]) return;
      var stops = D.stops[id];
      ctx.beginPath();
      stops.forEach(function (stop, i) {
        var p = screen(world(stop));
        if (i === 0) ctx.moveTo(p[0], p[1]); else ctx.lineTo(p[0], p[1]);
      });
      ctx.stroke();
      segments += stops.length - 1;
    });
    return segments;
  }

  function radius(count) { return count ? 5 + 4 * Math.sqrt(count) : 0; }

  function drawActivity(id) {
    if (!classOn("Event")) return;
    var count = activity(id);
    if (!count) return;
    var p = screen(world(id)), r = radius(count);
    ctx.beginPath();
    ctx.arc(p[0], p[1], r, 0, 2 * Math.PI);
    ctx.fillStyle = "rgba(0, 158, 115, 0.28)";
    ctx.fill();
    ctx.strokeStyle = EVENT;
    ctx.lineWidth = 1;
    ctx.stroke();
    hits.push([id, p[0], p[1], r]);
  }

  function drawPlace(id) {
    var p = screen(world(id));
    ctx.fillStyle = PLACE;
    ctx.strokeStyle = "#ffffff";
    ctx.lineWidth = 1.5;
    ctx.fillRect(p[0] - 4, p[1] - 4, 8, 8);
    ctx.strokeRect(p[0] - 4, p[1] - 4, 8, 8);
    if (id === selected) {
      ctx.strokeStyle = INK;
      ctx.lineWidth = 2;
      ctx.strokeRect(p[0] - 8, p[1] - 8, 16, 16);
    }
    hits.push([id, p[0], p[1], 8]);
  }

  function labels(ids) {
    // Busiest places first; a label that would overlap one already drawn is left out.
    var order = ids.slice().sort(function (a, b) {
      return activity(b) - activity(a) || (D.nodes[a].l < D.nodes[b].l ? -1 : 1);
    });
    var boxes = [];
    ctx.font = "12px system-ui, sans-serif";
    ctx.lineWidth = 3;
    ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
    ctx.fillStyle = INK;
    order.forEach(function (id) {
      var p = screen(world(id)), text = D.nodes[id].l;
      var box = [p[0] + 7, p[1] - 8, ctx.measureText(text).width, 14];
      if (boxes.some(function (b) { return overlap(b, box); })) return;
      boxes.push(box);
      ctx.strokeText(text, box[0], p[1] + 4);
      ctx.fillText(text, box[0], p[1] + 4);
    });
  }

  function overlap(a, b) {
    return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
  }

  // ------------------------------------------------------------ interaction

  function hitAt(x, y) {
    var best = null, bestDistance = Infinity;
    hits.forEach(function (h) {
      var d = Math.hypot(h[1] - x, h[2] - y);
      if (d <= Math.max(h[3], 6) && d < bestDistance) { best = h[0]; bestDistance = d; }
    });
    return best;
  }

  function showTip(id, x, y) {
    if (!id) { tip.style.display = "none"; return; }
    tip.textContent = page.nodeTitle(id);
    var rect = canvas.getBoundingClientRect();
    tip.style.left = (rect.left + x + 14) + "px";
    tip.style.top = (rect.top + y + 10) + "px";
    tip.style.display = "block";
  }

  function listen() {
    var drag = null;
    canvas.addEventListener("mousedown", function (e) { drag = { x: e.clientX, y: e.clientY, moved: false }; });
    window.addEventListener("mouseup", function (e) {
      if (drag && !drag.moved) {
        var rect = canvas.getBoundingClientRect();
        var id = hitAt(e.clientX - rect.left, e.clientY - rect.top);
        if (id) { selected = id; page.showPanel(id); draw(); }
      }
      drag = null;
    });
    canvas.addEventListener("mousemove", function (e) {
      var rect = canvas.getBoundingClientRect(), x = e.clientX - rect.left, y = e.clientY - rect.top;
      if (drag && (drag.moved || Math.hypot(e.clientX - drag.x, e.clientY - drag.y) > 3)) {
        cam.x -= (e.clientX - drag.x) / cam.scale;
        cam.y -= (e.clientY - drag.y) / cam.scale;
        drag.x = e.clientX;
        drag.y = e.clientY;
        drag.moved = true;
        tip.style.display = "none";
        draw();
        return;
      }
      var id = hitAt(x, y);
      canvas.style.cursor = id ? "pointer" : "default";
      showTip(id, x, y);
    });
    canvas.addEventListener("mouseleave", function () { tip.style.display = "none"; });
    canvas.addEventListener("wheel", function (e) {
      e.preventDefault();
      var rect = canvas.getBoundingClientRect();
      var x = e.clientX - rect.left - width / 2, y = e.clientY - rect.top - height / 2;
      var factor = Math.exp(-e.deltaY * 0.0015);
      cam.x += x / cam.scale - x / (cam.scale * factor);
      cam.y += y / cam.scale - y / (cam.scale * factor);
      cam.scale *= factor;
      draw();
    }, { passive: false });
    window.addEventListener("resize", function () { resize(); draw(); });
  }

  function fit() {
    var ids = places().filter(function (id) { return current && current.visible[id]; });
    if (!ids.length) ids = places();
    if (!ids.length) { draw(); return; }
    var xs = core(ids.map(function (id) { return world(id)[0]; }));
    var ys = core(ids.map(function (id) { return world(id)[1]; }));
    var x0 = xs[0], x1 = xs[1], y0 = ys[0], y1 = ys[1];
    cam.x = (x0 + x1) / 2;
    cam.y = (y0 + y1) / 2;
    // Room for labels at the edges; a single place gets a view about two degrees wide.
    cam.scale = Math.min(width / Math.max((x1 - x0) * 1.25, 2), height / Math.max((y1 - y0) * 1.25, 2));
    draw();
  }

  // The range of the values without far outliers: one talk in Vienna should not shrink a
  // war in Syria to a dot. Outliers lie more than three interquartile ranges outside the
  // middle half (Tukey's far-out fences); with fewer than five places all count.
  function core(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var n = sorted.length;
    if (n < 5) return [sorted[0], sorted[n - 1]];
    var q1 = sorted[Math.floor((n - 1) / 4)], q3 = sorted[Math.ceil(3 * (n - 1) / 4)];
    var low = q1 - 3 * (q3 - q1), high = q3 + 3 * (q3 - q1);
    var kept = sorted.filter(function (v) { return v >= low && v <= high; });
    return [kept[0], kept[kept.length - 1]];
  }

  var view = {
    apply: function (v) {
      current = v;
      return draw();
    },
    neighbours: function (id) {
      if (D.stops[id]) return D.stops[id];
      return Object.keys(D.stops).filter(function (line) { return D.stops[line].indexOf(id) >= 0; });
    },
    fit: fit,
    select: function (id) { selected = id; draw(); },
    onReady: function (callback) { if (drawn) callback(); else waiting.push(callback); },
    hover: function (id) {
      if (!D.geo[id]) return;
      var p = screen(world(id));
      showTip(id, p[0], p[1]);
    },
  };

  page = KGPage(view);
  D = page.data;
  var lats = places().map(function (id) { return D.geo[id][0]; });
  var meanLat = lats.length ? lats.reduce(function (a, b) { return a + b; }, 0) / lats.length : 0;
  kx = Math.cos(meanLat * Math.PI / 180);
  resize();
  listen();
  page.start();
})();
