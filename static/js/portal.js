// A wide table that scrolls sideways (on a phone the table itself scrolls, portal.css) becomes a tab stop, so that
// it can be scrolled from the keyboard. A scrolling box around a table is named after the table's caption or the
// heading above it; a table keeps its own role and name. Tables that fit are left out of the tab order.
(function () {
  function label(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var table = box.querySelector("table");
    var by = table && table.getAttribute("aria-labelledby");
    var heading = by && document.getElementById(by);
    if (heading) return heading.textContent.trim();
    var previous = box.previousElementSibling;
    while (previous && !/^H[1-6]$/.test(previous.tagName)) previous = previous.previousElementSibling;
    return previous ? previous.textContent.trim() : "";
  }
  function mark() {
    document.querySelectorAll("main .table-responsive, main .table-scroll, main table").forEach(function (box) {
      var isTable = box.tagName === "TABLE";
      if (box.scrollWidth > box.clientWidth + 1) {
        if (box.hasAttribute("tabindex")) return;
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-stop", "");
        if (!isTable) {
          box.setAttribute("role", "region");
          var name = label(box);
          if (name) box.setAttribute("aria-label", name);
        }
      } else if (box.hasAttribute("data-scroll-stop")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-stop");
        if (!isTable) {
          box.removeAttribute("role");
          box.removeAttribute("aria-label");
        }
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSettle", mark);
})();
