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
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-filter-item]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-filter-group]"));
  var indicatorRows = Array.prototype.slice.call(document.querySelectorAll("article [data-indicator-status]"));
  var actions = items.filter(function (el) { return el.tagName === "ARTICLE"; });
  var count = document.getElementById("filter-count");
  var empty = document.getElementById("filter-empty");
  var note = document.getElementById("filtered-note");

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
      count.textContent = count.getAttribute("data-template")
        .replace("{shown}", String(shown)).replace("{total}", String(actions.length));
    }
    var active = fields.some(function (name) { return Boolean(state[name]); });
    if (empty) { empty.hidden = shown !== 0; }
    if (note) { note.hidden = !active; }
    document.documentElement.classList.toggle("is-filtered", active);
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

  form.hidden = false;
  form.addEventListener("change", function () { apply(current()); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () {
    window.setTimeout(function () { apply(current()); }, 0);
  });
  window.addEventListener("hashchange", function () {
    if (location.hash.indexOf("=") === -1) { return; }  // a jump to a section, not a filter
    fields.forEach(function (name) { selects[name].value = ""; });
    fromHash();
    apply(current());
  });
  fromHash();
  apply(current());
}());
