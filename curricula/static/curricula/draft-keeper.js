// Keeps what is typed in a form with data-draft-key in the browser until the server has it, so that a session that
// expired on a phone (the post goes to the sign-in page instead) loses nothing: after signing in, the same page puts
// the text back. The copy belongs to the version of the record the page was drawn from (data-draft-version): once
// the server has saved a newer version, the copy is dropped.
(function () {
  "use strict";
  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type === "text"));
    });
  }
  document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
    var key = "meister-draft:" + form.dataset.draftKey;
    var version = form.dataset.draftVersion || "";
    var stored = null;
    try { stored = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
    if (stored && stored.version === version && stored.fields) {
      var restored = false;
      fieldsOf(form).forEach(function (el) {
        if (typeof stored.fields[el.name] === "string" && stored.fields[el.name] !== el.value) {
          el.value = stored.fields[el.name];
          restored = true;
        }
      });
      var notice = form.querySelector("[data-draft-restored]");
      if (restored && notice) { notice.hidden = false; }
    } else if (stored) {
      window.localStorage.removeItem(key);
    }
    function keep() {
      var fields = {};
      fieldsOf(form).forEach(function (el) { fields[el.name] = el.value; });
      try { window.localStorage.setItem(key, JSON.stringify({ version: version, fields: fields })); } catch (e) { /* full */ }
    }
    form.addEventListener("input", keep);
    form.addEventListener("submit", keep);
  });
})();
