(function () {
  var detail = document.getElementById("detail");
  document.addEventListener("click", function (e) {
    var m = e.target.closest && e.target.closest("mark.fact");
    if (!m) { detail.style.display = "none"; return; }
    detail.textContent = m.getAttribute("title");
    detail.style.display = "block";
  });
  document.querySelectorAll(".legend input[data-kind]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("hide-" + box.dataset.kind, !box.checked);
    });
  });
  function flash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el) { el.classList.add("flash"); setTimeout(function () { el.classList.remove("flash"); }, 1500); }
  }
  window.addEventListener("hashchange", flash);
})();
