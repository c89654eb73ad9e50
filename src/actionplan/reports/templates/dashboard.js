(function () {
  "use strict";
  // Filters of the dashboard: no server, no network. Each filtered element carries
  // data-theme, data-partners, data-territories and data-statuses (space-separated ids);
  // the chosen filters live in the address's #fragment so a view can be shared.
  var form = document.getElementById("filters");
  if (!form) { return; }
  var fields = ["theme", "partner", "territory", "status"];
  var selects = {};
  fields.forEach(function (name) { selects[name] = form.elements[name]; });
  var items, groups, indicatorRows, actions, empty;
  var count = document.getElementById("filter-count");
  var note = document.getElementById("filtered-note");

  function collect() {  // the filtered elements, gathered again once packed sections are unpacked
    items = Array.prototype.slice.call(document.querySelectorAll("[data-filter-item]"));
    groups = Array.prototype.slice.call(document.querySelectorAll("[data-filter-group]"));
    indicatorRows = Array.prototype.slice.call(document.querySelectorAll("article [data-indicator-status]"));
    actions = items.filter(function (el) { return el.tagName === "ARTICLE"; });
    empty = document.getElementById("filter-empty");
  }
  collect();

  // -- packed sections (a large plan): their content is gzipped in a data block, unpacked on demand --
  var packed = Array.prototype.slice.call(document.querySelectorAll("[data-packed]"));
  var unpacking = null;

  function inflate(holder) {
    var block = document.getElementById("packed-" + holder.getAttribute("data-packed"));
    var binary = atob(block.textContent);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(function (html) {
      holder.replaceWith(document.createRange().createContextualFragment(html));
      block.remove();
    });
  }

  function unpack() {  // every packed section, once; resolves when they are in the page
    if (!unpacking) {
      unpacking = Promise.all(packed.map(inflate)).then(function () {
        packed = [];
        collect();
      });
    }
    return unpacking;
  }

  function whenUnpacked(then) {
    if (packed.length) { unpack().then(then); } else { then(); }
  }

  function has(list, value) {
    return (" " + (list || "") + " ").indexOf(" " + value + " ") !== -1;
  }

  function current() {
    var state = {};
    fields.forEach(function (name) { state[name] = selects[name].value; });
    return state;
  }

  function matches(el, state) {
    if (state.theme && el.getAttribute("data-theme") !== state.theme) { return false; }
    if (state.partner && !has(el.getAttribute("data-partners"), state.partner)) { return false; }
    if (state.territory && !has(el.getAttribute("data-territories"), state.territory)) { return false; }
    if (state.status) {
      var own = el.getAttribute("data-indicator-status");
      if (own ? own !== state.status : !has(el.getAttribute("data-statuses"), state.status)) { return false; }
    }
    return true;
  }

  // -- the overview's figures, recounted from the indicators left shown ------------------
  var kpis = document.getElementById("kpis");
  var statusNames = {};
  Array.prototype.forEach.call(selects.status.options, function (option) {
    if (option.value) { statusNames[option.value] = option.textContent; }
  });
  var statusOrder = Object.keys(statusNames);
  var themeRows = Array.prototype.slice.call(document.querySelectorAll("[data-theme-row]"));
  var original = null;  // the figures as written, put back when no filter is active

  function byId(id) { return document.getElementById(id); }

  function number(n) {
    var digits = String(n);
    var sep = kpis.getAttribute("data-thousands");
    return digits.length > 3 ? digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep) : digits;
  }

  function words(name, values) {
    var text = kpis.getAttribute(name);
    Object.keys(values).forEach(function (key) { text = text.replace("{" + key + "}", values[key]); });
    return text;
  }

  function percent(fraction) {
    return fraction === null ? kpis.getAttribute("data-none")
      : words("data-percent", { n: number(Math.round(fraction * 100)) });
  }

  function tally() {
    var totals = { all: newCount() };
    themeRows.forEach(function (row) { totals[row.getAttribute("data-theme-row")] = newCount(); });
    actions.forEach(function (article) {
      if (article.hidden) { return; }
      var theme = totals[article.getAttribute("data-theme")];
      if (theme) { theme.actions += 1; }
      totals.all.actions += 1;
      Array.prototype.forEach.call(article.querySelectorAll("tr[data-indicator-status]"), function (row) {
        if (row.hidden) { return; }
        [totals.all, theme].forEach(function (count) {
          if (!count) { return; }
          count.total += 1;
          count[row.getAttribute("data-indicator-status")] += 1;
          var fraction = row.getAttribute("data-fraction");
          if (fraction !== null) {  // weighted as the rollups weigh them (actions, objectives, themes)
            var weight = Number(row.getAttribute("data-weight") || "1");
            count.sum += Number(fraction) * weight;
            count.weight += weight;
          }
        });
      });
    });
    return totals;
  }

  function newCount() {
    var count = { total: 0, actions: 0, sum: 0, weight: 0 };
    statusOrder.forEach(function (status) { count[status] = 0; });
    return count;
  }

  function drawStack(stack, count) {
    var parts = [];
    Array.prototype.forEach.call(stack.querySelectorAll("[data-status]"), function (seg) {
      var n = count[seg.getAttribute("data-status")];
      seg.hidden = !n;
      seg.style.width = count.total ? (n * 100 / count.total).toFixed(3) + "%" : "0";
      if (n) { parts.push(number(n) + " " + statusNames[seg.getAttribute("data-status")]); }
    });
    stack.setAttribute("aria-label", words("data-stack-label", {
      label: stack.getAttribute("data-label"), parts: parts.join(", ") || kpis.getAttribute("data-no-indicator") }));
  }

  function snapshot() {
    var nodes = Array.prototype.slice.call(document.querySelectorAll(
      "#kpis [id], #overview [data-stack], #overview [data-stack] [data-status], [data-overall-count], " +
      "[data-theme-row], [data-theme-row] [data-count], [data-theme-row] [data-caption]"));
    return nodes.map(function (node) {
      return { node: node, text: node.children.length ? null : node.textContent, style: node.getAttribute("style"),
               hidden: node.hidden, label: node.getAttribute("aria-label"), className: node.className };
    });
  }

  function restore() {
    original.forEach(function (saved) {
      if (saved.text !== null) { saved.node.textContent = saved.text; }
      if (saved.style !== null) { saved.node.setAttribute("style", saved.style); }
      if (saved.label !== null) { saved.node.setAttribute("aria-label", saved.label); }
      saved.node.hidden = saved.hidden;
      saved.node.className = saved.className;
    });
  }

  function recount() {
    var totals = tally();
    var all = totals.all;
    var attention = all.late + all.at_risk;
    var mean = all.weight > 0 ? all.sum / all.weight : null;
    byId("kpi-total").textContent = number(all.total);
    byId("kpi-actions").textContent = number(all.actions);
    byId("kpi-achieved").textContent = percent(all.total ? all.achieved / all.total : null);
    byId("kpi-achieved-share").textContent = words("data-achieved-share",
      { achieved: number(all.achieved), total: number(all.total) });
    byId("kpi-attention").textContent = number(attention);
    byId("kpi-attention-card").className = "kpi " + (attention ? "kpi-alert" : "kpi-good");
    byId("kpi-late-at-risk").textContent = words("data-late-at-risk",
      { late: number(all.late), at_risk: number(all.at_risk) });
    byId("kpi-targets").textContent = percent(mean);
    byId("kpi-targets-label").textContent = kpis.getAttribute(mean === null ? "data-targets-none" : "data-targets");
    byId("kpi-targets-meter").style.width = ((mean || 0) * 100).toFixed(3) + "%";
    drawStack(document.querySelector("#overview .overall [data-stack]"), all);
    Array.prototype.forEach.call(document.querySelectorAll("[data-overall-count]"), function (cell) {
      cell.textContent = number(all[cell.getAttribute("data-overall-count")]);
    });
    themeRows.forEach(function (row) {
      var count = totals[row.getAttribute("data-theme-row")];
      row.hidden = !count.actions;
      Array.prototype.forEach.call(row.querySelectorAll("[data-count]"), function (cell) {
        var n = count[cell.getAttribute("data-count")];
        cell.textContent = number(n);
        cell.className = "num" + (n ? "" : " zero");
      });
      drawStack(row.querySelector("[data-stack]"), count);
      row.querySelector("[data-caption]").textContent = count.total
        ? words("data-achieved-share", { achieved: number(count.achieved), total: number(count.total) })
        : kpis.getAttribute("data-no-indicator");
    });
  }

  function overview(active) {
    if (!kpis) { return; }
    if (original === null) { original = snapshot(); }
    if (active) { recount(); } else { restore(); }
  }

  function apply(state) {
    items.forEach(function (el) { el.hidden = !matches(el, state); });
    indicatorRows.forEach(function (row) {
      row.hidden = Boolean(state.status) && row.getAttribute("data-indicator-status") !== state.status;
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector("[data-filter-item]:not([hidden])");
    });
    var shown = actions.filter(function (el) { return !el.hidden; }).length;
    if (count) {
      var written = kpis ? number : String;  // « 7 400 » as the page writes its numbers
      count.textContent = count.getAttribute("data-template")
        .replace("{shown}", written(shown)).replace("{total}", written(actions.length));
    }
    var active = fields.some(function (name) { return Boolean(state[name]); });
    if (empty) { empty.hidden = shown !== 0; }
    if (note) { note.hidden = !active; }
    document.documentElement.classList.toggle("is-filtered", active);
    overview(active);
    remember(state, active);
  }

  function remember(state, active) {
    var parts = [];
    fields.forEach(function (name) {
      if (state[name]) { parts.push(name + "=" + encodeURIComponent(state[name])); }
    });
    try {
      if (active) {
        history.replaceState(null, "", "#" + parts.join("&"));
      } else if (location.hash.indexOf("=") !== -1) {
        history.replaceState(null, "", location.pathname + location.search);
      }
    } catch (error) { /* some viewers forbid it: the filters still work */ }
  }

  function fromHash() {
    var hash = location.hash.replace(/^#/, "");
    if (hash.indexOf("=") === -1) { return; }
    hash.split("&").forEach(function (pair) {
      var cut = pair.indexOf("=");
      var name = pair.slice(0, cut);
      var value = decodeURIComponent(pair.slice(cut + 1));
      var select = selects[name];
      if (!select) { return; }
      for (var i = 0; i < select.options.length; i += 1) {
        if (select.options[i].value === value) { select.value = value; }
      }
    });
  }

  function jump() {  // an address naming something still packed (#action-…): unpack, then go there
    var id = decodeURIComponent(location.hash.replace(/^#/, ""));
    if (!id || id.indexOf("=") !== -1 || document.getElementById(id) || !packed.length) { return; }
    unpack().then(function () {
      var target = document.getElementById(id);
      if (target) { target.scrollIntoView(); }
    });
  }

  form.hidden = false;
  form.addEventListener("change", function () { whenUnpacked(function () { apply(current()); }); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () {
    window.setTimeout(function () { whenUnpacked(function () { apply(current()); }); }, 0);
  });
  window.addEventListener("hashchange", function () {
    if (location.hash.indexOf("=") === -1) { jump(); return; }  // a jump to a section, not a filter
    fields.forEach(function (name) { selects[name].value = ""; });
    fromHash();
    whenUnpacked(function () { apply(current()); });
  });
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("[data-unpack]")) { unpack(); }
  });
  window.addEventListener("beforeprint", function () { unpack(); });
  fromHash();
  var filtered = fields.some(function (name) { return Boolean(selects[name].value); });
  if (packed.length && !filtered) {  // the page as written: nothing to hide, the counts are the server's
    jump();
  } else {
    whenUnpacked(function () { apply(current()); });
  }
}());
