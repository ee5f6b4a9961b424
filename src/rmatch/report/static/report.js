// The report page's script (inlined into the page): filters the pairs and the
// unmatched tables; cells are written with textContent only, never as HTML.
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var LIMIT = 500;
  function setup(key) {
    var t = data[key];
    var table = document.getElementById(key + "-table");
    if (!t || !table) return;
    var body = table.tBodies[0];
    var box = document.getElementById(key + "-filter");
    var count = document.getElementById(key + "-count");
    var text = t.rows.map(function (r) { return r.join(" ").toLowerCase(); });
    function show() {
      var terms = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var found = 0, shown = 0, frag = document.createDocumentFragment();
      for (var i = 0; i < t.rows.length; i++) {
        if (!terms.every(function (q) { return text[i].indexOf(q) >= 0; })) continue;
        found++;
        if (shown >= LIMIT) continue;
        shown++;
        var tr = document.createElement("tr");
        t.rows[i].forEach(function (v, j) {
          var td = document.createElement("td");
          td.textContent = v;
          if (t.numeric[j]) td.className = "num";
          tr.appendChild(td);
        });
        frag.appendChild(tr);
      }
      while (body.firstChild) body.removeChild(body.firstChild);
      body.appendChild(frag);
      count.textContent = found + " of " + t.rows.length + " shown" +
        (found > shown ? " (the first " + shown + "; type to narrow)" : "");
    }
    box.addEventListener("input", show);
    show();
  }
  setup("pairs");
  setup("unmatched");
})();
