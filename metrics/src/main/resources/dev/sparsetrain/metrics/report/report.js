/* sparsetrain report charts: draws every JSON script element of class st-fig with uPlot
 * (kind "line") or adds hover and legend toggling to the static SVG next to it (kind "contour").
 * The static SVG stays the fallback: it is hidden only after uPlot has drawn the chart, so a viewer
 * without JavaScript, or a failure here, still shows every figure. Part of sparsetrain (metrics
 * module, HtmlReport); uPlot itself is inlined before this script. */
(function () {
  "use strict";

  function fmt(v) {
    if (v == null || !isFinite(v)) return "--";
    var a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3).replace(/\.?0+e/, "e");
    return String(+v.toPrecision(5));
  }

  /** Axis labels; a log axis leaves its minor ticks (null) unlabelled. */
  function tickLabels(u, vals) {
    return vals.map(function (v) { return v == null ? "" : fmt(v); });
  }

  /** Nice linear ticks: about 5 steps of 1, 2 or 5 times a power of ten. */
  function linearSplits(min, max) {
    var raw = (max - min) / 5, mag = Math.pow(10, Math.floor(Math.log10(raw))), n = raw / mag;
    var step = (n < 1.5 ? 1 : n < 3 ? 2 : n < 7 ? 5 : 10) * mag, out = [];
    for (var t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) out.push(+t.toPrecision(12));
    return out;
  }

  /**
   * Ticks for a log axis: the decades in range, with 2x and 5x between them when there are at
   * most three; linear ticks when the range holds fewer than two decades' worth (a narrow band).
   */
  function logSplits(u, axisIdx, min, max) {
    var out = [], lo = Math.ceil(Math.log10(min) - 1e-9), hi = Math.floor(Math.log10(max) + 1e-9);
    for (var e = lo - 1; e <= hi; e++) {
      var d = Math.pow(10, e);
      [1, 2, 5].forEach(function (m) {
        var v = +(m * d).toPrecision(12);
        if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9) && (m === 1 || hi - lo < 3)) out.push(v);
      });
    }
    return out.length >= 3 ? out : linearSplits(min, max).filter(function (v) { return v > 0; });
  }

  /** [min, max] widened by pad of the span in log10 (half a decade each way when min == max). */
  function logRange(min, max, pad) {
    var a = Math.log10(min), b = Math.log10(max);
    if (a === b) { a -= 0.5; b += 0.5; }
    var p = (b - a) * pad;
    return [Math.pow(10, a - p), Math.pow(10, b + p)];
  }

  /** Moves a label box down until it overlaps none placed before; returns its y. */
  function place(placed, x, y, w, h) {
    for (var moved = true; moved;) {
      moved = false;
      for (var i = 0; i < placed.length; i++) {
        var q = placed[i];
        if (x < q.x + q.w && q.x < x + w && y - h < q.y && q.y - q.h < y) { y = q.y + h + 2; moved = true; }
      }
    }
    placed.push({ x: x, y: y, w: w, h: h });
    return y;
  }

  /** Text in colour c over a white halo, readable across grid and curves. */
  function label(ctx, text, x, y, c, dpr) {
    ctx.setLineDash([]);
    ctx.lineWidth = 3 * dpr;
    ctx.strokeStyle = "#fff";
    ctx.strokeText(text, x, y);
    ctx.fillStyle = c;
    ctx.fillText(text, x, y);
  }

  function usable(x, y, spec) {
    return x != null && y != null && isFinite(x) && isFinite(y) && (!spec.logX || x > 0) && (!spec.logY || y > 0);
  }

  /** Width for a chart: its own width, or less when the page is narrower. */
  function fitWidth(fig, spec) {
    var avail = fig.parentNode ? fig.parentNode.clientWidth : spec.width;
    return Math.max(240, Math.min(spec.width, avail > 0 ? avail : spec.width));
  }

  function line(fig, spec) {
    // uPlot wants one x array shared by all series: join the series' own x values; a point a series
    // lacks is undefined (spanned), a non-finite or non-positive-on-log value is null (a gap).
    var tables = spec.series.map(function (s) {
      var xs = [], ys = [];
      for (var i = 0; i < s.x.length; i++) {
        var x = s.x[i];
        if (x == null || !isFinite(x) || (spec.logX && !(x > 0))) continue;
        xs.push(x);
        ys.push(usable(x, s.y[i], spec) ? s.y[i] : null);
      }
      var order = xs.map(function (_, i) { return i; }).sort(function (a, b) { return xs[a] - xs[b]; });
      return [order.map(function (i) { return xs[i]; }), order.map(function (i) { return ys[i]; })];
    });
    var data = tables.length ? uPlot.join(tables) : [[]];
    var counts = tables.map(function (t) { return t[1].filter(function (v) { return v != null; }).length; });

    function drawMarks(u) {
      var ctx = u.ctx, b = u.bbox, dpr = uPlot.pxRatio;
      ctx.save();
      ctx.beginPath();
      ctx.rect(b.left, b.top, b.width, b.height);
      ctx.clip();
      ctx.lineWidth = dpr;
      spec.marksX.forEach(function (mx) {
        if (mx == null || (spec.logX && !(mx > 0))) return;
        var px = u.valToPos(mx, "x", true);
        ctx.strokeStyle = "#000";
        ctx.setLineDash([2 * dpr, 3 * dpr]);
        ctx.beginPath();
        ctx.moveTo(px, b.top);
        ctx.lineTo(px, b.top + b.height);
        ctx.stroke();
      });
      ctx.font = Math.round(11 * dpr) + "px sans-serif";
      ctx.textAlign = "left";
      ctx.textBaseline = "alphabetic";
      var placed = [], lh = 12 * dpr;
      spec.points.forEach(function (p) {
        if (!u.series[p.series + 1].show || p.x == null || (spec.logX && !(p.x > 0))) return;
        var c = spec.series[p.series].color, px = u.valToPos(p.x, "x", true);
        ctx.lineWidth = dpr;
        ctx.fillStyle = c;
        ctx.strokeStyle = c;
        if (p.y != null) {
          var py = u.valToPos(p.y, "y", true);
          ctx.setLineDash([]);
          ctx.beginPath();
          ctx.arc(px, py, 4 * dpr, 0, 2 * Math.PI);
          ctx.fill();
          ctx.strokeStyle = "#fff";
          ctx.stroke();
          ctx.fillStyle = c;
          var lx = px + 6 * dpr;
          label(ctx, p.label, lx, place(placed, lx, Math.max(b.top + lh, py - 6 * dpr), ctx.measureText(p.label).width, lh), c, dpr);
        } else {
          ctx.setLineDash([4 * dpr, 3 * dpr]);
          ctx.beginPath();
          ctx.moveTo(px, b.top);
          ctx.lineTo(px, b.top + b.height);
          ctx.stroke();
          var tx = px + 4 * dpr;
          label(ctx, p.label, tx, place(placed, tx, b.top + lh, ctx.measureText(p.label).width, lh), c, dpr);
        }
      });
      ctx.restore();
    }

    // the x range also covers marks on a series (a suggested rate below the sweep)
    var extraX = spec.points.map(function (p) { return p.x; }).filter(function (x) { return x != null && (!spec.logX || x > 0); });
    function xRange(u, min, max) {
      extraX.forEach(function (x) { min = min == null ? x : Math.min(min, x); max = max == null ? x : Math.max(max, x); });
      if (min == null) return spec.logX ? [1, 10] : [0, 1];
      if (spec.logX) return logRange(min, max, 0);
      return min === max ? [min - 0.5, max + 0.5] : [min, max];
    }
    // a log y axis spans the data plus 5% (in log), like the SVG, not whole decades
    function yRange(u, min, max) {
      return min == null ? [1, 10] : logRange(min, max, 0.05);
    }

    var opts = {
      title: spec.title,
      width: fitWidth(fig, spec),
      height: Math.max(160, spec.height - 40),
      scales: {
        x: { time: false, distr: spec.logX ? 3 : 1, log: 10, range: xRange },
        y: spec.logY ? { distr: 3, log: 10, range: yRange } : { distr: 1 }
      },
      axes: [
        { label: spec.xLabel, values: tickLabels, splits: spec.logX ? logSplits : undefined },
        { label: spec.yLabel, size: 64, values: tickLabels, splits: spec.logY ? logSplits : undefined }
      ],
      cursor: { drag: { x: true, y: true, uni: 40 } },
      legend: { live: true },
      series: [{ label: spec.xLabel, value: function (u, v) { return fmt(v); } }].concat(spec.series.map(function (s, k) {
        return {
          label: s.name, stroke: s.color, width: 1.6, dash: s.dash ? [5, 3] : undefined, spanGaps: false,
          value: function (u, v) { return fmt(v); },
          points: counts[k] <= 1 ? { show: true, size: 6, fill: s.color } : {}
        };
      })),
      hooks: { draw: [drawMarks] }
    };
    var holder = document.createElement("div");
    holder.className = "st-live";
    fig.insertBefore(holder, fig.firstChild);
    var u = new uPlot(opts, data, holder);
    var hint = document.createElement("div");
    hint.className = "st-hint";
    hint.textContent = "hover for values; drag to zoom, double-click to reset; click a legend entry to hide or show it";
    holder.appendChild(hint);
    var fallback = fig.querySelector(".st-static");
    if (fallback) fallback.style.display = "none";
    window.addEventListener("resize", function () {
      var w = fitWidth(fig, spec);
      if (w !== u.width) u.setSize({ width: w, height: u.height });
    });
    fig.stChart = u; // for scripts and the screenshot test: the uPlot instance
    fig.setAttribute("data-st-ready", "uplot");
  }

  function contour(fig, spec) {
    var svg = fig.querySelector("svg");
    if (!svg) return;
    var ns = "http://www.w3.org/2000/svg";
    var ring = document.createElementNS(ns, "circle");
    ring.setAttribute("r", "5");
    ring.setAttribute("fill", "none");
    ring.setAttribute("stroke", "#000");
    ring.setAttribute("stroke-width", "1.5");
    ring.style.display = "none";
    ring.style.pointerEvents = "none";
    svg.appendChild(ring);
    var tip = document.createElement("div");
    tip.className = "st-tip";
    tip.style.display = "none";
    fig.appendChild(tip);
    var hidden = {};
    svg.querySelectorAll(".st-leg").forEach(function (g) {
      g.style.cursor = "pointer";
      g.addEventListener("click", function () {
        var n = g.getAttribute("data-n");
        hidden[n] = !hidden[n];
        g.style.opacity = hidden[n] ? "0.35" : "1";
        svg.querySelectorAll(".st-n" + n).forEach(function (e) { e.style.display = hidden[n] ? "none" : ""; });
      });
    });
    svg.addEventListener("mousemove", function (ev) {
      var m = svg.getScreenCTM();
      if (!m) return;
      var pt = svg.createSVGPoint();
      pt.x = ev.clientX;
      pt.y = ev.clientY;
      var q = pt.matrixTransform(m.inverse());
      var best = null, bestD = 100; // within 10 SVG px
      spec.paths.forEach(function (p) {
        if (hidden[p.n]) return;
        for (var i = 0; i < p.pts.length; i += 5) {
          var dx = p.pts[i] - q.x, dy = p.pts[i + 1] - q.y, d = dx * dx + dy * dy;
          if (d < bestD) { bestD = d; best = { p: p, i: i }; }
        }
      });
      if (!best) { ring.style.display = "none"; tip.style.display = "none"; return; }
      var a = best.p.pts;
      ring.setAttribute("cx", a[best.i]);
      ring.setAttribute("cy", a[best.i + 1]);
      ring.setAttribute("stroke", best.p.color);
      ring.style.display = "";
      tip.textContent = best.p.name + ", step " + a[best.i + 2] + ": " + spec.xLabel + " = " + fmt(a[best.i + 3]) + ", " + spec.yLabel + " = " + fmt(a[best.i + 4]);
      var r = fig.getBoundingClientRect();
      tip.style.left = (ev.clientX - r.left + 12) + "px";
      tip.style.top = (ev.clientY - r.top + 12) + "px";
      tip.style.display = "";
    });
    svg.addEventListener("mouseleave", function () { ring.style.display = "none"; tip.style.display = "none"; });
    var hint = document.createElement("div");
    hint.className = "st-hint";
    hint.textContent = "hover a path for its step and coordinates; click a legend entry to hide or show it";
    fig.appendChild(hint);
    fig.setAttribute("data-st-ready", "contour");
  }

  document.querySelectorAll("script.st-fig").forEach(function (s) {
    var fig = s.parentNode;
    try {
      var spec = JSON.parse(s.textContent);
      if (spec.kind === "line") {
        if (typeof uPlot === "undefined") throw new Error("uPlot did not load");
        line(fig, spec);
      } else if (spec.kind === "contour") {
        contour(fig, spec);
      }
    } catch (e) {
      // keep the static SVG and say why in the page's DOM (visible in --dump-dom and dev tools)
      fig.setAttribute("data-st-error", String(e && e.message || e));
      var fallback = fig.querySelector(".st-static");
      if (fallback) fallback.style.display = "";
      var live = fig.querySelector(".st-live");
      if (live) live.parentNode.removeChild(live);
    }
  });
})();
