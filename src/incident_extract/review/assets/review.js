// incident-extract review page: index (sort, filters, search, pages), charts, article view.
// Plain browser JavaScript, no library and no network: the data is the JSON block above.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("review-data").textContent);
  const rows = data.rows;
  const articles = data.articles;
  const PAGE_SIZE = 100;
  const $ = (id) => document.getElementById(id);
  const state = { sortKey: null, sortDir: 1, page: 0, view: rows };
  const filters = { search: $("f-search"), type: $("f-type"), sector: $("f-sector"),
    status: $("f-status"), from: $("f-from"), to: $("f-to") };

  const escapeHtml = (value) => String(value).replace(/[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const fold = (value) => value.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const rowDate = (row) => row.attack_date || row.published || "";
  let haystacks = null; // folded search text per row, built on the first search only
  function haystack(index) {
    if (haystacks === null) {
      haystacks = rows.map((row) => fold([row.victims.join(" "), row.title, row.site || "", row.places.join(" "), row.regions.join(" "),
        row.types.join(" "), row.sectors.join(" "), articles[row.article].text].join("\n")));
    }
    return haystacks[index];
  }

  // ---- index ---------------------------------------------------------------------------
  function matching() {
    const type = filters.type.value, sector = filters.sector.value, status = filters.status.value;
    const from = filters.from.value, to = filters.to.value, query = fold(filters.search.value.trim());
    const kept = [];
    rows.forEach((row, index) => {
      if (type && !row.types.includes(type)) return;
      if (sector && !row.sectors.includes(sector)) return;
      if (status && row.status !== status) return;
      const date = rowDate(row);
      if (from && (!date || date < from)) return;
      if (to && (!date || date > to)) return;
      if (query && !haystack(index).includes(query)) return;
      kept.push(row);
    });
    return kept;
  }

  const sortValue = {
    victims: (row) => row.victims.join(", "), types: (row) => row.types.join(", "),
    sectors: (row) => row.sectors.join(", "), places: (row) => row.places.join(", "),
    errors: (row) => row.errors.length || null, people: (row) => row.people,
  };
  function sorted(list) {
    if (!state.sortKey) return list;
    const value = sortValue[state.sortKey] || ((row) => row[state.sortKey]);
    const collator = new Intl.Collator("fr", { numeric: true, sensitivity: "base" });
    return list.slice().sort((a, b) => {
      const x = value(a), y = value(b);
      const xEmpty = x === null || x === undefined || x === "", yEmpty = y === null || y === undefined || y === "";
      if (xEmpty || yEmpty) return xEmpty === yEmpty ? 0 : xEmpty ? 1 : -1; // empty cells last
      const order = typeof x === "number" ? x - y : collator.compare(String(x), String(y));
      return order * state.sortDir;
    });
  }

  function cell(values) { return escapeHtml(Array.isArray(values) ? values.join(", ") : values ?? ""); }
  function few(values, shown = 3) { // a long list: its first names, the count of the others, all on hover
    if (values.length <= shown + 1) return cell(values);
    return `<span title="${cell(values)}">${cell(values.slice(0, shown))} <em>+${values.length - shown} more</em></span>`;
  }
  function rowHtml(row) {
    const title = row.title || "(untitled)";
    return `<tr data-article="${row.article}"><td>${few(row.victims)}</td>` +
      `<td class="ie-nowrap">${cell(row.attack_date)}</td><td>${cell(row.types)}</td><td>${cell(row.sectors)}</td>` +
      `<td>${few(row.places)}</td><td>${cell(row.people)}</td>` +
      `<td><span class="ie-badge ie-status-${row.status}">${row.status}</span></td>` +
      `<td><a href="#article-${row.article}">${escapeHtml(title)}</a>` +
      (row.site ? ` <span class="ie-meta">${escapeHtml(row.site)}</span>` : "") + `</td>` +
      `<td class="ie-nowrap">${cell(row.published)}</td><td class="ie-errors">${cell(row.errors.join("; "))}</td></tr>`;
  }

  function renderIndex() {
    const pages = Math.max(1, Math.ceil(state.view.length / PAGE_SIZE));
    state.page = Math.min(state.page, pages - 1);
    const shown = state.view.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE);
    document.querySelector("#index-table tbody").innerHTML = shown.map(rowHtml).join("");
    const incidents = state.view.filter((row) => row.incident !== null).length;
    $("count").textContent = `${state.view.length} of ${rows.length} rows · ${incidents} incidents`;
    $("page-info").textContent = `page ${state.page + 1} of ${pages}`;
    $("prev-page").disabled = state.page === 0;
    $("next-page").disabled = state.page >= pages - 1;
  }

  function refresh() {
    state.view = sorted(matching());
    state.page = 0;
    renderIndex();
    drawCharts(state.view.filter((row) => row.incident !== null));
  }

  document.querySelectorAll("#index-table th[data-key]").forEach((th) => {
    th.querySelector("button").addEventListener("click", () => {
      const key = th.dataset.key;
      state.sortDir = state.sortKey === key ? -state.sortDir : 1;
      state.sortKey = key;
      document.querySelectorAll("#index-table th[data-key]").forEach((other) => other.setAttribute("aria-sort",
        other === th ? (state.sortDir === 1 ? "ascending" : "descending") : "none"));
      state.view = sorted(state.view);
      state.page = 0;
      renderIndex();
    });
  });
  document.querySelector("#index-table tbody").addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-article]"); // the whole row opens the article (phones)
    if (row && !event.target.closest("a")) location.hash = `#article-${row.dataset.article}`;
  });
  let searchTimer = null;
  filters.search.addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(refresh, 150); });
  for (const name of ["type", "sector", "status", "from", "to"]) filters[name].addEventListener("change", refresh);
  $("filters").addEventListener("reset", () => setTimeout(refresh, 0));
  $("prev-page").addEventListener("click", () => { state.page -= 1; renderIndex(); });
  $("next-page").addEventListener("click", () => { state.page += 1; renderIndex(); });

  // ---- charts (inline SVG) ---------------------------------------------------------------
  const TYPE_COLOURS = data.type_colours;
  const svgNS = "http://www.w3.org/2000/svg";
  function svg(width, height, label) {
    const element = document.createElementNS(svgNS, "svg");
    element.setAttribute("viewBox", `0 0 ${width} ${height}`);
    element.setAttribute("role", "img");
    element.setAttribute("aria-label", label);
    return element;
  }
  function add(parent, name, attributes, text) {
    const element = document.createElementNS(svgNS, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
    if (text !== undefined) element.textContent = text;
    parent.appendChild(element);
    return element;
  }
  function bar(parent, attributes, tip) { add(add(parent, "rect", attributes), "title", {}, tip); }
  function showChart(id, element, legend) {
    const box = document.querySelector(`#${id} .ie-svg`);
    box.replaceChildren();
    if (!element) { box.innerHTML = '<p class="ie-empty">No incident to draw.</p>'; return; }
    box.appendChild(element);
    if (legend) box.insertAdjacentHTML("beforeend", legend);
  }

  function monthsChart(incidents) {
    const counts = new Map(); // month -> type -> incidents
    let undated = 0;
    for (const row of incidents) {
      const date = rowDate(row);
      if (!date) { undated += 1; continue; }
      const month = date.slice(0, 7);
      if (!counts.has(month)) counts.set(month, new Map());
      const types = row.types.length ? row.types : ["unknown"];
      for (const type of types) counts.get(month).set(type, (counts.get(month).get(type) || 0) + 1);
    }
    if (!counts.size) return [null, ""];
    const months = [...counts.keys()].sort();
    const first = months[0], last = months[months.length - 1];
    const all = []; // every month between the first and the last, empty ones included
    for (let [y, m] = first.split("-").map(Number); `${y}-${String(m).padStart(2, "0")}` <= last; m = m === 12 ? (y++, 1) : m + 1) {
      all.push(`${y}-${String(m).padStart(2, "0")}`);
    }
    const totals = all.map((month) => [...(counts.get(month) || new Map()).values()].reduce((a, b) => a + b, 0));
    const max = Math.max(...totals);
    const width = 960, height = 240, left = 34, bottom = 46, top = 10;
    const step = (width - left - 6) / all.length, barWidth = Math.max(2, step * 0.75);
    const scale = (height - bottom - top) / max;
    const element = svg(width, height, `Incidents per month by attack type, ${all[0]} to ${all[all.length - 1]}`);
    for (let tick = 0; tick <= max; tick += Math.max(1, Math.ceil(max / 5))) {
      const y = height - bottom - tick * scale;
      add(element, "line", { x1: left, x2: width, y1: y, y2: y, stroke: "#e4e4e4" });
      add(element, "text", { x: left - 4, y: y + 4, "text-anchor": "end", fill: "#444" }, String(tick));
    }
    const labelEvery = Math.ceil(all.length / 16);
    all.forEach((month, index) => {
      const x = left + index * step + (step - barWidth) / 2;
      let y = height - bottom;
      for (const type of Object.keys(TYPE_COLOURS)) {
        const count = (counts.get(month) || new Map()).get(type) || 0;
        if (!count) continue;
        y -= count * scale;
        bar(element, { x, y, width: barWidth, height: count * scale, fill: TYPE_COLOURS[type], "data-type": type },
          `${month} · ${type}: ${count}`);
      }
      if (index % labelEvery === 0) {
        add(element, "text", { x: x + barWidth / 2, y: height - bottom + 12, "text-anchor": "end",
          transform: `rotate(-45 ${x + barWidth / 2} ${height - bottom + 12})`, fill: "#333" }, month);
      }
    });
    const used = new Set(incidents.flatMap((row) => (row.types.length ? row.types : ["unknown"])));
    const legend = '<ul class="ie-chart-legend">' + Object.keys(TYPE_COLOURS).filter((type) => used.has(type))
      .map((type) => `<li><span class="ie-swatch" style="background:${TYPE_COLOURS[type]}"></span>${type}</li>`).join("") +
      "</ul>" + (undated ? `<p class="ie-meta">${undated} incident(s) without any date are not drawn.</p>` : "") +
      '<p class="ie-meta">An incident of two types counts once in each.</p>';
    return [element, legend];
  }

  function barsChart(counts, label, colour) {
    const entries = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 12);
    if (!entries.length) return null;
    const max = entries[0][1], rowHeight = 22, left = 170, width = 480;
    const element = svg(width, entries.length * rowHeight + 6, label);
    entries.forEach(([name, count], index) => {
      const y = index * rowHeight + 3, length = ((width - left - 40) * count) / max;
      add(element, "text", { x: left - 6, y: y + 14, "text-anchor": "end", fill: "#222" },
        name.length > 26 ? name.slice(0, 25) + "…" : name);
      bar(element, { x: left, y, width: Math.max(1, length), height: rowHeight - 6, fill: colour }, `${name}: ${count}`);
      add(element, "text", { x: left + length + 4, y: y + 14, fill: "#222" }, String(count));
    });
    return element;
  }
  function countBy(incidents, values) {
    const counts = new Map();
    for (const row of incidents) for (const value of new Set(values(row))) counts.set(value, (counts.get(value) || 0) + 1);
    return counts;
  }
  function drawCharts(incidents) {
    const [months, legend] = monthsChart(incidents);
    showChart("chart-months", months, legend);
    showChart("chart-sectors", barsChart(countBy(incidents, (row) => row.sectors), "Incidents by sector", "#3949ab"));
    const unplaced = incidents.filter((row) => row.places.length && !row.regions.length).length;
    showChart("chart-regions", barsChart(countBy(incidents, (row) => row.regions), "Incidents by victims' region", "#7b3294"),
      unplaced ? `<p class="ie-meta">${unplaced} incident(s) whose places are in no known French region (abroad, small towns) are not drawn.</p>` : "");
    showChart("chart-places", barsChart(countBy(incidents, (row) => row.places), "Top victims' places", "#0b6e4f"));
  }

  // ---- article view --------------------------------------------------------------------------
  function articleOrder() { return [...new Set(state.view.map((row) => row.article))]; }
  function showArticle(index) {
    const article = articles[index];
    if (!article) { location.hash = "#index"; return; }
    $("article").innerHTML = article.detail;
    for (const row of $("article").querySelectorAll("tr[data-item]")) row.tabIndex = 0;
    const order = articleOrder(), position = order.indexOf(index);
    const prev = position > 0 ? order[position - 1] : null;
    const next = position >= 0 && position < order.length - 1 ? order[position + 1] : null;
    $("prev-article").hidden = prev === null; $("prev-article").href = `#article-${prev}`;
    $("next-article").hidden = next === null; $("next-article").href = `#article-${next}`;
    $("index-view").hidden = true;
    $("article-view").hidden = false;
    window.scrollTo(0, 0);
    const heading = $("article").querySelector("h2");
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
  function goToItem(row) { // an item of the table beside the text: its first highlighted segment
    const segment = $("article").querySelector(`mark[data-items~="${row.dataset.item}"]`);
    if (segment) { segment.scrollIntoView({ block: "center" }); segment.focus({ preventScroll: true }); }
  }
  $("article").addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-item]");
    if (row) goToItem(row);
  });
  $("article").addEventListener("keydown", (event) => {
    const row = event.target.closest("tr[data-item]");
    if (row && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); goToItem(row); }
  });
  function route() {
    const match = /^#article-(\d+)$/.exec(location.hash);
    if (match) { showArticle(Number(match[1])); return; }
    $("article-view").hidden = true;
    $("index-view").hidden = false;
    if (location.hash === "#charts") $("charts").scrollIntoView();
  }
  window.addEventListener("hashchange", route);

  refresh();
  route();
  document.body.dataset.ready = "true";
  performance.mark("review-ready");
})();
