// Keeps what is typed in the report form in this browser until it is saved, so that a reload
// or a dropped connection on a phone loses nothing. The server's copy stays the reference.
(function () {
  var form = document.getElementById("report-form");
  if (!form || !window.localStorage) return;
  var key = "kehoach-draft:" + form.dataset.key;
  var fields = form.querySelectorAll("textarea, input[name^='figure.'], select");
  try {
    var kept = JSON.parse(localStorage.getItem(key) || "null");
    if (kept) fields.forEach(function (f) { if (f.name in kept) f.value = kept[f.name]; });
  } catch (e) { localStorage.removeItem(key); }
  form.addEventListener("input", function () {
    var values = {};
    fields.forEach(function (f) { values[f.name] = f.value; });
    try { localStorage.setItem(key, JSON.stringify(values)); } catch (e) { /* storage full: the server copy remains */ }
  });
  // A saved version has its own key (the version is in it): the old draft is not needed.
  Object.keys(localStorage).forEach(function (k) {
    if (k.indexOf("kehoach-draft:" + form.dataset.key.replace(/\/\d+$/, "/")) === 0 && k !== key) localStorage.removeItem(k);
  });
})();
