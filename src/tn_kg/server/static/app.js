// The query page: run the SPARQL in the editor against /sparql and show the rows as a table.
// Plain JavaScript, no libraries, nothing fetched from elsewhere.
"use strict";

(function () {
  var BASE = "https://w3id.org/tn-kg/";
  var form = document.getElementById("query-form");
  if (!form) { return; }
  var editor = document.getElementById("query");
  var picker = document.getElementById("example");
  var status = document.getElementById("status");
  var results = document.getElementById("results");
  var data = JSON.parse(document.getElementById("page-data").textContent);

  function href(iri) {
    if (iri.indexOf(BASE) === 0) { return "/" + iri.slice(BASE.length); }
    return iri;
  }

  function cell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var a = document.createElement("a");
      a.href = href(term.value);
      a.textContent = term.value;
      a.title = term.value;
      if (term.value.indexOf(BASE) !== 0) { a.rel = "nofollow noopener noreferrer"; a.className = "ext"; }
      td.appendChild(a);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) { td.lang = term["xml:lang"]; td.title = "@" + term["xml:lang"]; }
      else if (term.datatype) { td.title = term.datatype; }
    }
    return td;
  }

  function show(json) {
    results.textContent = "";
    if (typeof json.boolean === "boolean") {
      var p = document.createElement("p");
      p.id = "boolean-result";
      p.textContent = "ASK: " + json.boolean;
      results.appendChild(p);
      status.textContent = "done";
      return;
    }
    var vars = json.head.vars;
    var rows = json.results.bindings;
    var table = document.createElement("table");
    table.id = "result-table";
    var head = table.createTHead().insertRow();
    vars.forEach(function (v) {
      var th = document.createElement("th");
      th.textContent = v;
      head.appendChild(th);
    });
    var body = table.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
    });
    results.appendChild(table);
    status.textContent = rows.length + (rows.length === 1 ? " row" : " rows");
    document.body.setAttribute("data-rows", String(rows.length));
  }

  function fail(message) {
    results.textContent = "";
    var pre = document.createElement("pre");
    pre.className = "error";
    pre.id = "error";
    pre.textContent = message;
    results.appendChild(pre);
    status.textContent = "error";
    document.body.setAttribute("data-error", "1");
  }

  // The prefixes of 'tn-kg prefixes' need no PREFIX line: those the query uses and does not
  // declare are declared on its first line (so the line numbers of an error stay those of the
  // editor). Comments, strings, IRIs, variables and language tags cannot hold a prefixed name.
  var SKIP = /#[^\n\r]*|'''(?:[^'\\]|\\.|'(?!''))*'''|"""(?:[^"\\]|\\.|"(?!""))*"""|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"|<[^<>"{}|^`\\\s]*>|[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]*|@[A-Za-z]+(?:-[A-Za-z0-9]+)*/.source;
  var DECL = /PREFIX\s+([A-Za-z][\w.-]*)?:/.source;
  var PNAME = /([A-Za-z][\w.-]*)?:([\w%:.\\-]*)/.source;
  var TOKEN = new RegExp("(" + SKIP + ")|(" + DECL + ")|(" + PNAME + ")|[\\w.-]+|[\\s\\S]", "gi");

  function withPrologue(text) {
    var table = data.prefixTable || {};
    var used = {}, declared = {}, match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      if (match[2] !== undefined) { declared[match[3] || ""] = true; }
      else if (match[4] !== undefined && (match[6] || "").indexOf("//") !== 0) { used[match[5] || ""] = true; }
    }
    var lines = Object.keys(used).sort().filter(function (p) {
      return !declared[p] && Object.prototype.hasOwnProperty.call(table, p);
    }).map(function (p) { return "PREFIX " + p + ": <" + table[p] + ">"; });
    return lines.length ? lines.join(" ") + " " + text : text;
  }

  function run() {
    var text = withPrologue(editor.value);
    status.textContent = "running…";
    var isGraph = /^\s*(?:(?:#[^\n]*|PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*(CONSTRUCT|DESCRIBE)\b/i.test(text);
    var accept = isGraph ? "text/turtle" : "application/sparql-results+json";
    fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": accept },
      body: "query=" + encodeURIComponent(text)
    }).then(function (response) {
      return response.text().then(function (body) {
        if (!response.ok) { throw new Error("HTTP " + response.status + ": " + body); }
        if (isGraph) {
          results.textContent = "";
          var pre = document.createElement("pre");
          pre.id = "graph-result";
          pre.textContent = body;
          results.appendChild(pre);
          status.textContent = "done";
        } else {
          show(JSON.parse(body));
        }
      });
    }).catch(function (err) { fail(String(err.message || err)); });
  }

  picker.addEventListener("change", function () {
    var chosen = data.examples.filter(function (e) { return e.slug === picker.value; })[0];
    if (chosen) { editor.value = chosen.query; }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var url = "/?query=" + encodeURIComponent(editor.value) + "&run=1";
    if (url.length < 6000) { history.replaceState(null, "", url); }
    run();
  });

  var params = new URLSearchParams(window.location.search);
  if (params.get("example")) {
    picker.value = params.get("example");
    picker.dispatchEvent(new Event("change"));
  }
  if (params.get("query")) { editor.value = params.get("query"); }
  if (params.get("run") === "1") { run(); }
})();
