(function () {
  var detail = document.getElementById("detail");
  document.addEventListener("click", function (e) {
    var m = e.target.closest && e.target.closest("mark.fact");
    if (!m) { detail.style.display = "none"; return; }
    detail.textContent = m.getAttribute("title");
    detail.style.display = "block";
    // Served, the fact correction form takes the clicked fact.
    var seq = document.querySelector("#correct-fact input[name=fact]");
    if (seq) seq.value = m.dataset.seq;
  });
  document.querySelectorAll(".legend input[data-kind]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("hide-" + box.dataset.kind, !box.checked);
    });
  });
  function byId(id) { return document.getElementById(id); }
  function flash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && byId(id);
    if (el) { el.classList.add("flash"); setTimeout(function () { el.classList.remove("flash"); }, 1500); }
    here();
  }
  window.addEventListener("hashchange", flash);
  // go moves to an element by its id: the hash changes, so Back returns.
  function go(id) {
    if (location.hash === "#" + id) { var el = byId(id); if (el) el.scrollIntoView(); flash(); return; }
    location.hash = id;
  }
  function pageOf(el) { var p = el && el.closest && el.closest("section.page"); return p ? p.dataset.page : ""; }

  // The page index marks the page in view and the pages a warning is about.
  var index = {};
  document.querySelectorAll("#pageindex a").forEach(function (a) { index[a.dataset.page] = a; });
  function here() {
    var pages = document.querySelectorAll("section.page"), cur = "";
    for (var i = 0; i < pages.length; i++) {
      if (pages[i].getBoundingClientRect().top < innerHeight / 3) cur = pages[i].dataset.page;
    }
    Object.keys(index).forEach(function (p) { index[p].classList.toggle("here", p === cur); });
  }
  var scrolling = false;
  window.addEventListener("scroll", function () {
    if (!scrolling) { scrolling = true; requestAnimationFrame(function () { scrolling = false; here(); }); }
  });

  var jump = byId("jump");
  jump.addEventListener("submit", function (e) {
    e.preventDefault();
    var n = byId("jump-page").value.trim();
    if (byId("page-" + n)) go("page-" + n);
  });

  // Next and previous warning: each warning in turn, to what it links to.
  var warnings = [].slice.call(document.querySelectorAll("#warnings li"));
  var wi = -1;
  warnings.forEach(function (li) {
    var a = li.querySelector("a.warning"), t = a && byId(decodeURIComponent(a.hash.slice(1)));
    var p = pageOf(t);
    if (p && index[p]) index[p].classList.add("has-warn");
  });
  function warn(step) {
    if (!warnings.length) return;
    wi = (wi + step + warnings.length) % warnings.length;
    warnings.forEach(function (li, i) { li.classList.toggle("current", i === wi); });
    byId("warn-count").textContent = (wi + 1) + " / " + warnings.length;
    var a = warnings[wi].querySelector("a.warning");
    if (a) go(decodeURIComponent(a.hash.slice(1)));
    else warnings[wi].scrollIntoView({ block: "nearest" });
  }
  if (byId("warn-next")) {
    byId("warn-next").addEventListener("click", function () { warn(1); });
    byId("warn-prev").addEventListener("click", function () { warn(-1); });
  }

  // Next and previous fact of the chosen metric.
  var fi = -1;
  function fact(step) {
    var metric = byId("metric").value;
    var marks = [].slice.call(document.querySelectorAll("mark.fact")).filter(function (m) { return m.dataset.metric === metric; });
    if (!marks.length) { byId("fact-count").textContent = "0"; return; }
    fi = (fi + step + marks.length) % marks.length;
    if (fi >= marks.length) fi = 0;
    byId("fact-count").textContent = (fi + 1) + " / " + marks.length;
    go(marks[fi].id);
  }
  if (byId("metric")) {
    byId("metric").addEventListener("change", function () { fi = -1; byId("fact-count").textContent = ""; });
    byId("fact-next").addEventListener("click", function () { fact(1); });
    byId("fact-prev").addEventListener("click", function () { fact(-1); });
  }

  // Search in the text: every occurrence within a page, selected in turn.
  var hits = [], hi = -1, last = null;
  function find(q) {
    hits = [];
    if (!q) return;
    document.querySelectorAll("section.page .text").forEach(function (div) {
      var nodes = [], text = "", w = document.createTreeWalker(div, NodeFilter.SHOW_TEXT), n;
      while ((n = w.nextNode())) { nodes.push({ node: n, at: text.length }); text += n.data; }
      function locate(pos, end) {
        for (var i = nodes.length - 1; i >= 0; i--) {
          if (nodes[i].at < pos || (nodes[i].at === pos && !end)) return { node: nodes[i].node, off: pos - nodes[i].at };
        }
        return { node: nodes[0].node, off: 0 };
      }
      for (var at = text.indexOf(q); at >= 0; at = text.indexOf(q, at + q.length)) {
        var s = locate(at, false), e = locate(at + q.length, true), r = document.createRange();
        r.setStart(s.node, s.off);
        r.setEnd(e.node, e.off);
        hits.push(r);
      }
    });
  }
  function search(step) {
    var q = byId("q").value;
    if (q !== last) { last = q; find(q); hi = step > 0 ? -1 : 0; }
    if (!hits.length) { byId("q-count").textContent = q ? "0 found" : ""; return; }
    hi = (hi + step + hits.length) % hits.length;
    byId("q-count").textContent = (hi + 1) + " / " + hits.length;
    var sel = getSelection();
    sel.removeAllRanges();
    sel.addRange(hits[hi]);
    var box = hits[hi].getBoundingClientRect();
    window.scrollBy(0, box.top - innerHeight / 3);
    here();
  }
  byId("search").addEventListener("submit", function (e) { e.preventDefault(); search(1); });
  byId("q-prev").addEventListener("click", function () { search(-1); });
  // Keys, outside the form fields: n/N next/previous warning, j/k next/
  // previous fact of the metric, / search, g go to a page.
  document.addEventListener("keydown", function (e) {
    var t = e.target.tagName;
    if (e.ctrlKey || e.metaKey || e.altKey || t === "INPUT" || t === "SELECT" || t === "TEXTAREA") return;
    var act = {
      n: function () { warn(1); }, N: function () { warn(-1); },
      j: function () { if (byId("metric")) fact(1); }, k: function () { if (byId("metric")) fact(-1); },
      "/": function () { byId("q").focus(); }, g: function () { byId("jump-page").focus(); }
    }[e.key];
    if (act) { e.preventDefault(); act(); }
  });
  here();
})();
