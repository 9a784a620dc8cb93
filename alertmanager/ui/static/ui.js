/* Progressive enhancement for the server-rendered pages: live refresh of the alerts list,
   and the silence form's rows, times, remembered author and live preview. */
(function () {
  "use strict";

  function liveRefresh() {
    var box = document.getElementById("results");
    if (!box) return;
    var every = parseFloat(box.getAttribute("data-refresh") || "0");
    if (!(every > 0)) return;
    var url = box.getAttribute("data-fragment");
    var busy = false;
    setInterval(function () {
      if (busy || document.hidden) return;
      busy = true;
      fetch(url, { headers: { "Accept": "text/html" }, cache: "no-store" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) return;
          var active = document.activeElement;
          if (active && box.contains(active)) return; /* don't pull the rug from under keyboard focus */
          var tmp = document.createElement("div");
          tmp.innerHTML = html;
          if (tmp.innerHTML !== box.innerHTML) box.innerHTML = tmp.innerHTML;
        })
        .catch(function () {})
        .then(function () { busy = false; });
    }, every * 1000);
  }

  var UNITS = { y: 31536000, w: 604800, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };
  function parseDuration(text) {
    var re = /(\d+)(ms|y|w|d|h|m|s)/g, pos = 0, total = 0, m;
    text = text.trim();
    while ((m = re.exec(text)) !== null) {
      if (m.index !== pos) return null;
      total += parseInt(m[1], 10) * UNITS[m[2]];
      pos = re.lastIndex;
    }
    return text && pos === text.length ? total : null;
  }
  function formatDuration(seconds) {
    seconds = Math.floor(seconds);
    if (seconds <= 0) return "0s";
    var out = "";
    [["y", 31536000], ["w", 604800], ["d", 86400], ["h", 3600], ["m", 60], ["s", 1]].forEach(function (u) {
      var n = Math.floor(seconds / u[1]);
      if (n) { out += n + u[0]; seconds -= n * u[1]; }
    });
    return out;
  }
  function parseTime(text) {
    text = text.trim().replace(" ", "T");
    if (!/[zZ]$|[+-]\d\d:?\d\d$/.test(text)) text += "Z";
    var t = Date.parse(text);
    return isNaN(t) ? null : t;
  }
  function formatTime(ms) { return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z"); }

  function silenceForm() {
    var form = document.getElementById("silence-form");
    if (!form) return;
    var rows = document.getElementById("matcher-rows");
    var start = form.elements.namedItem("starts_at");
    var end = form.elements.namedItem("ends_at");
    var dur = form.elements.namedItem("duration");
    var author = form.elements.namedItem("created_by");
    var KEY = "alertmanager.author";

    try {
      if (!author.value && localStorage.getItem(KEY)) author.value = localStorage.getItem(KEY);
    } catch (e) { /* storage may be off */ }
    form.addEventListener("submit", function () {
      try { if (author.value) localStorage.setItem(KEY, author.value); } catch (e) { /* ignore */ }
    });

    function endFromDuration() {
      var s = parseTime(start.value), d = parseDuration(dur.value);
      if (s !== null && d !== null) end.value = formatTime(s + d * 1000);
    }
    dur.addEventListener("input", endFromDuration);
    start.addEventListener("input", endFromDuration);
    end.addEventListener("input", function () {
      var s = parseTime(start.value), e = parseTime(end.value);
      if (s !== null && e !== null && e > s) dur.value = formatDuration((e - s) / 1000);
    });

    var timer = null;
    var box = document.getElementById("preview");
    function refreshPreview() {
      var params = new URLSearchParams();
      rows.querySelectorAll(".matcher-row").forEach(function (row) {
        var n = row.querySelector("[name=matcher_name]"), o = row.querySelector("[name=matcher_op]"),
            v = row.querySelector("[name=matcher_value]");
        params.append("matcher_name", n.value);
        params.append("matcher_op", o.value);
        params.append("matcher_value", v.value);
      });
      fetch(form.getAttribute("data-preview") + "?" + params.toString(), { cache: "no-store" })
        .then(function (r) { return r.text(); })
        .then(function (html) { box.innerHTML = html; })
        .catch(function () {});
    }
    function schedulePreview() {
      clearTimeout(timer);
      timer = setTimeout(refreshPreview, 250);
    }
    rows.addEventListener("input", schedulePreview);
    rows.addEventListener("change", schedulePreview);
    document.getElementById("preview-button").addEventListener("click", function (ev) {
      ev.preventDefault();
      refreshPreview();
    });

    function renumber() {
      rows.querySelectorAll(".matcher-row").forEach(function (row, i) {
        var n = i + 1;
        row.querySelectorAll("label").forEach(function (l) {
          var base = l.getAttribute("for").replace(/\d+$/, "");
          l.setAttribute("for", base + n);
          l.textContent = l.textContent.replace(/\d+$/, String(n));
        });
        row.querySelectorAll("input, select").forEach(function (el) { el.id = el.id.replace(/\d+$/, String(n)); });
        var b = row.querySelector(".remove-row");
        b.setAttribute("aria-label", "Remove matcher " + n);
      });
    }
    document.getElementById("add-matcher").addEventListener("click", function () {
      var last = rows.querySelector(".matcher-row:last-child");
      var row = last.cloneNode(true);
      row.querySelectorAll("input").forEach(function (el) { el.value = ""; el.removeAttribute("aria-invalid"); });
      row.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
      row.querySelector("select").value = "=";
      rows.appendChild(row);
      renumber();
      row.querySelector("input").focus();
    });
    rows.addEventListener("click", function (ev) {
      var b = ev.target.closest(".remove-row");
      if (!b) return;
      var row = b.closest(".matcher-row");
      if (rows.querySelectorAll(".matcher-row").length > 1) row.remove();
      else row.querySelectorAll("input").forEach(function (el) { el.value = ""; });
      renumber();
      schedulePreview();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    liveRefresh();
    silenceForm();
  });
})();
