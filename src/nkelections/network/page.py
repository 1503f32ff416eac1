"""The explorer's HTML, CSS and JS, kept as one string so that it ships inside the package.

explorer.py replaces /*DATA*/ with the graph as JSON. The script builds the SVG from that data,
so a page whose nodes show is a page whose script ran.
"""

PAGE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>nkelections explorer</title>
<style>
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #222; display: flex;
       height: 100vh; overflow: hidden; }
#side { width: 380px; min-width: 300px; border-right: 1px solid #ccc; display: flex;
        flex-direction: column; background: #fafafa; }
#side header { padding: 10px 12px; border-bottom: 1px solid #ddd; }
#side h1 { font-size: 16px; margin: 0 0 4px; }
#build { color: #666; font-size: 12px; }
#search { width: 100%; padding: 6px 8px; margin-top: 8px; font-size: 14px; }
#results { list-style: none; margin: 4px 0 0; padding: 0; max-height: 180px; overflow: auto; }
#results button { width: 100%; text-align: left; border: 0; background: none; padding: 3px 4px;
                  cursor: pointer; font: inherit; }
#results button:hover { background: #e6eefc; }
#results .type, #details .type { color: #777; font-size: 12px; }
#views { margin-top: 8px; font-size: 13px; }
#views summary { cursor: pointer; color: #1f4fa8; }
#views ul { list-style: none; margin: 4px 0 0; padding: 0; max-height: 260px; overflow: auto; }
#views li { padding: 3px 0; border-bottom: 1px solid #eee; }
#views .files { font-size: 12px; }
#views .files a { margin-right: 6px; }
#details { padding: 10px 12px; overflow: auto; flex: 1; }
#details h2 { font-size: 17px; margin: 0 0 2px; }
#details h3 { font-size: 14px; margin: 14px 0 4px; }
#details ul { padding-left: 18px; margin: 4px 0; }
.fact { margin-bottom: 10px; }
.quote { margin: 4px 0 2px; padding: 4px 8px; border-left: 3px solid #8aa8d8;
         background: #fff; font-style: italic; }
.cite { font-size: 12px; color: #555; }
#main { flex: 1; position: relative; display: flex; flex-direction: column; min-width: 0; }
#graph { width: 100%; flex: 1; min-height: 0; cursor: grab; background: #fff;
         touch-action: none; }
#graph.dragging { cursor: grabbing; }
#graph .edge { stroke: #aaa; stroke-width: 0.05; }
#graph .edge.hot { stroke: #d62728; stroke-width: 0.1; }
#graph .node circle { stroke: #333; stroke-width: 0.04; cursor: pointer; }
#graph .node text { font-size: 0.28px; text-anchor: middle; pointer-events: none;
                    paint-order: stroke; stroke: #fff; stroke-width: 0.08px; }
#graph .node.selected circle { stroke: #d62728; stroke-width: 0.14; }
#graph .node.match circle { stroke: #1f5fd6; stroke-width: 0.12; }
#zoom { position: absolute; right: 10px; top: 10px; display: flex; gap: 4px; }
#zoom button { width: 32px; height: 32px; font-size: 18px; }
/* A strip under the graph, not over it: it never hides a node. */
#legend { flex: none; font-size: 12px; padding: 6px 8px; border-top: 1px solid #ddd;
          max-height: 22%; overflow: auto; background: #fafafa; display: flex;
          flex-wrap: wrap; gap: 2px 14px; }
#legend span { display: inline-block; width: 10px; height: 10px; border-radius: 50%;
               margin-right: 4px; border: 1px solid #333; }
</style>
</head>
<body>
<aside id="side">
  <header>
    <h1>nkelections explorer</h1>
    <div id="build"></div>
    <input id="search" type="search" placeholder="Search a name, e.g. Kim Jong-un"
           autocomplete="off" aria-label="search a node by name">
    <ul id="results"></ul>
    <details id="views"><summary>Views: pictures and data files</summary><ul></ul></details>
  </header>
  <section id="details"><p>Search a name or click a node to see its facts, with the quotes
    and the sources that support them. Drag to pan, scroll to zoom.</p></section>
</aside>
<main id="main">
  <svg id="graph" xmlns="http://www.w3.org/2000/svg" role="img"
       aria-label="the entity graph"><g id="edges"></g><g id="nodes"></g></svg>
  <div id="zoom"><button id="zoom-in" title="zoom in">+</button>
    <button id="zoom-out" title="zoom out">&minus;</button>
    <button id="zoom-reset" title="show everything">&#8634;</button></div>
  <div id="legend"></div>
</main>
<script type="application/json" id="data">/*DATA*/</script>
<script>
"use strict";
(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const data = JSON.parse(document.getElementById("data").textContent);
  const svg = document.getElementById("graph");
  const byId = new Map(data.nodes.map(n => [n.id, n]));
  const nodeEls = new Map();
  let view = null, home = null;

  function svgEl(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }
  function html(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function draw() {
    const edges = document.getElementById("edges"), nodes = document.getElementById("nodes");
    for (const e of data.edges) {
      const a = byId.get(e.source), b = byId.get(e.target);
      const line = svgEl("line", {x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: "edge"});
      line.dataset.source = e.source; line.dataset.target = e.target;
      line.appendChild(svgEl("title")).textContent = e.label;
      edges.appendChild(line);
    }
    for (const n of data.nodes) {
      const g = svgEl("g", {class: "node", transform: `translate(${n.x},${n.y})`});
      g.dataset.id = n.id;
      g.appendChild(svgEl("circle", {r: 0.22, fill: n.colour}));
      const label = svgEl("text", {y: 0.55});
      label.textContent = n.label.length > 40 ? n.label.slice(0, 38) + "\u2026" : n.label;
      g.appendChild(label);
      g.appendChild(svgEl("title")).textContent = `${n.label} (${n.type})`;
      g.addEventListener("click", ev => { ev.stopPropagation(); select(n.id); });
      nodes.appendChild(g);
      nodeEls.set(n.id, g);
    }
    const xs = data.nodes.map(n => n.x), ys = data.nodes.map(n => n.y);
    const pad = 1.5;
    home = xs.length ? [Math.min(...xs) - pad, Math.min(...ys) - pad,
                        Math.max(...xs) - Math.min(...xs) + 2 * pad,
                        Math.max(...ys) - Math.min(...ys) + 2 * pad] : [0, 0, 10, 10];
    setView(home.slice());
  }

  function legend() {
    const types = new Map();
    for (const n of data.nodes) types.set(n.type, n.colour);
    const box = document.getElementById("legend");
    for (const [type, colour] of [...types.entries()].sort()) {
      const row = html("div");
      const dot = html("span"); dot.style.background = colour;
      row.append(dot, document.createTextNode(type));
      box.appendChild(row);
    }
  }

  function listViews() {
    // The views written beside this page, each a picture to open and files to download.
    const box = document.querySelector("#views ul");
    document.querySelector("#views summary").textContent =
      `Views: pictures and data files (${data.views.length})`;
    for (const v of data.views) {
      const li = html("li"); li.dataset.view = v.name;
      const main = v.files.find(f => f.endsWith(".png")) || v.files[0];
      const a = html("a", v.title); a.href = encodeURIComponent(main);
      li.append(a, html("span", ` ${v.nodes} nodes, ${v.edges} edges`, "type"));
      const files = html("div", undefined, "files");
      for (const f of v.files) {
        const link = html("a", f.slice(v.name.length + 1)); link.href = encodeURIComponent(f);
        files.appendChild(link);
      }
      li.appendChild(files); box.appendChild(li);
    }
    if (!data.views.length) box.appendChild(html("li", "no view was written with this page"));
  }

  function setView(v) { view = v; svg.setAttribute("viewBox", v.join(" ")); }
  function zoom(factor, cx, cy) {
    const [x, y, w, h] = view;
    if (cx === undefined) { cx = x + w / 2; cy = y + h / 2; }
    setView([cx - (cx - x) * factor, cy - (cy - y) * factor, w * factor, h * factor]);
  }
  function toGraph(ev) {
    const r = svg.getBoundingClientRect();
    const s = Math.max(view[2] / r.width, view[3] / r.height);
    const ox = view[0] + view[2] / 2 - r.width * s / 2;
    const oy = view[1] + view[3] / 2 - r.height * s / 2;
    return [ox + (ev.clientX - r.left) * s, oy + (ev.clientY - r.top) * s, s];
  }
  function panZoom() {
    let drag = null;
    svg.addEventListener("pointerdown", ev => {
      drag = {x: ev.clientX, y: ev.clientY, view: view.slice()};
      svg.classList.add("dragging");
    });
    window.addEventListener("pointermove", ev => {
      if (!drag) return;
      const s = toGraph(ev)[2];
      setView([drag.view[0] - (ev.clientX - drag.x) * s, drag.view[1] - (ev.clientY - drag.y) * s,
               drag.view[2], drag.view[3]]);
    });
    window.addEventListener("pointerup", () => { drag = null; svg.classList.remove("dragging"); });
    svg.addEventListener("wheel", ev => {
      ev.preventDefault();
      const [gx, gy] = toGraph(ev);
      zoom(ev.deltaY > 0 ? 1.15 : 1 / 1.15, gx, gy);
    }, {passive: false});
    document.getElementById("zoom-in").onclick = () => zoom(1 / 1.4);
    document.getElementById("zoom-out").onclick = () => zoom(1.4);
    document.getElementById("zoom-reset").onclick = () => setView(home.slice());
  }

  function norm(s) {
    // Hyphens, spaces and punctuation are left out: "Kang Yun-sok", "Kang Yun Sok" and
    // "Kang Yunsok" are one name.
    return s.toLowerCase().replace(/[-\u2010\u2011,.'\u2019\s]+/g, "");
  }
  function search(query) {
    const q = norm(query), list = document.getElementById("results");
    list.replaceChildren();
    for (const g of nodeEls.values()) g.classList.remove("match");
    if (!q) return [];
    const found = data.nodes.filter(n => [n.label, ...n.aliases].some(s => norm(s).includes(q)));
    found.sort((a, b) => (norm(a.label) === q ? 0 : 1) - (norm(b.label) === q ? 0 : 1) ||
                         a.label.localeCompare(b.label));
    for (const n of found.slice(0, 30)) {
      const b = html("button"); b.type = "button"; b.dataset.id = n.id;
      b.append(document.createTextNode(n.label + " "), html("span", n.type, "type"));
      b.onclick = () => select(n.id);
      const li = html("li"); li.appendChild(b); list.appendChild(li);
      nodeEls.get(n.id).classList.add("match");
    }
    if (!found.length) list.appendChild(html("li", "no match"));
    return found;
  }

  function select(id) {
    const n = byId.get(id);
    if (!n) return;
    for (const g of nodeEls.values()) g.classList.remove("selected");
    nodeEls.get(id).classList.add("selected");
    for (const line of document.querySelectorAll("#edges line"))
      line.classList.toggle("hot", line.dataset.source === id || line.dataset.target === id);
    const w = Math.min(home[2], 16), h = w * view[3] / view[2];
    setView([n.x - w / 2, n.y - h / 2, w, h]);
    showDetails(n);
    history.replaceState(null, "", "#select=" + encodeURIComponent(id));
  }

  function showDetails(n) {
    const box = document.getElementById("details");
    box.replaceChildren(html("h2", n.label), html("div", n.type, "type"));
    box.dataset.node = n.id;
    if (n.wikidata) box.appendChild(html("div", "Wikidata: " + n.wikidata, "wikidata"));
    if (n.aliases.length) box.appendChild(html("div", "Also: " + n.aliases.join("; "), "aliases"));
    box.appendChild(html("h3", `Facts (${n.facts.length})`));
    const facts = html("div"); facts.id = "facts";
    for (const fid of n.facts) {
      const f = data.facts[fid], item = html("div", undefined, "fact");
      item.dataset.fact = fid;
      item.appendChild(html("div", f.text, "fact-text"));
      for (const q of f.quotes) {
        item.appendChild(html("blockquote", "\u201c" + q.exact + "\u201d", "quote"));
        let cite = "\u2014 " + (data.documents[q.document] || q.document) +
                   ` (characters ${q.start}\u2013${q.end})`;
        if (q.statedBy.length) cite += "; stated by " + q.statedBy.join(", ");
        item.appendChild(html("div", cite, "cite"));
      }
      facts.appendChild(item);
    }
    if (!n.facts.length) facts.appendChild(html("p", "No quoted fact names this entity yet."));
    box.appendChild(facts);
    const links = data.edges.filter(e => e.source === n.id || e.target === n.id);
    if (links.length) {
      box.appendChild(html("h3", `Relations (${links.length})`));
      const ul = html("ul");
      for (const e of links) {
        const out = e.source === n.id, other = byId.get(out ? e.target : e.source);
        const li = html("li", out ? `${e.label} \u2192 ` : `\u2190 ${e.label} `);
        const a = html("a", other.label); a.href = "#select=" + encodeURIComponent(other.id);
        a.onclick = ev => { ev.preventDefault(); select(other.id); };
        li.appendChild(a); ul.appendChild(li);
      }
      box.appendChild(ul);
    }
    if (n.mentioned.length) {
      box.appendChild(html("h3", "Mentioned in"));
      const ul = html("ul");
      for (const d of n.mentioned) ul.appendChild(html("li", data.documents[d] || d));
      box.appendChild(ul);
    }
  }

  function fromHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (params.get("search")) {
      const input = document.getElementById("search");
      input.value = params.get("search");
      const found = search(input.value);
      if (found.length && params.has("open")) select(found[0].id);
    } else if (params.get("select")) {
      select(params.get("select"));
    }
  }

  document.getElementById("build").textContent = data.build;
  draw(); legend(); listViews(); panZoom();
  document.getElementById("search").addEventListener("input", ev => search(ev.target.value));
  document.getElementById("search").addEventListener("keydown", ev => {
    if (ev.key === "Enter") { const f = search(ev.target.value); if (f.length) select(f[0].id); }
  });
  fromHash();
  document.body.dataset.ready = "true";
})();
</script>
</body>
</html>
"""
