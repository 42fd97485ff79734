/* proccodes site search: the ranking of proccodes/_search.py, ported line for line.
 *
 * Reads window.PROCCODES_INDEX (assets/search-index.js, written by `proccodes site`): the
 * library's token index with its weights. Works from the files alone: no request, no library.
 * Ranking, best first: the code itself; a whole name; a name or code that starts with the
 * query; then more of the query's words found, add-on codes after primary ones, a higher
 * score (rare words, words of names, a word itself over a prefix or a one-typo match).
 */
(function () {
  "use strict";

  var STOP = new Set(("a an and are as at by for from in into is it of on or the to with " +
    "without").split(" "));
  var PREFIX_FACTOR = 0.7;
  var TYPO_FACTOR = 0.6;
  var MAX_EXPANSIONS = 24;
  var WORD = /[a-z0-9]+/g;
  var DIGITS = /^[0-9]+$/;
  var EDGES = /^[\s\u200b\u200c\u200d\u2060\ufeff]+|[\s\u200b\u200c\u200d\u2060\ufeff]+$/g;

  function stem(word) {
    if (word.length > 3 && word.charAt(word.length - 1) === "s" &&
        !/(ss|us|is)$/.test(word)) {
      return word.slice(0, -1);
    }
    return word;
  }

  function words(text) {
    return text.toLowerCase().match(WORD) || [];
  }

  function tokenize(text) {
    return words(text).filter(function (w) { return !STOP.has(w); }).map(stem);
  }

  function nameKey(text) {
    return words(text).join(" ");
  }

  function normalizeCode(text) {
    return text.replace(EDGES, "").toUpperCase();
  }

  function bisectLeft(list, x) {
    var lo = 0, hi = list.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid] < x) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  function withinOneEdit(a, b) {
    var la = a.length, lb = b.length, i;
    if (Math.abs(la - lb) > 1) { return false; }
    if (la === lb) {
      var diffs = [];
      for (i = 0; i < la; i++) { if (a[i] !== b[i]) { diffs.push(i); } }
      if (diffs.length <= 1) { return true; }
      var x = diffs[0], y = diffs[diffs.length - 1];
      return diffs.length === 2 && y === x + 1 && a[x] === b[y] && a[y] === b[x];
    }
    if (la > lb) { var t = a; a = b; b = t; }
    i = 0;
    while (i < a.length && a[i] === b[i]) { i++; }
    return a.slice(i) === b.slice(i + 1);
  }

  function deletions(word) {
    var out = [];
    for (var i = 0; i < word.length; i++) { out.push(word.slice(0, i) + word.slice(i + 1)); }
    return out;
  }

  function Index(data) {
    this.data = data;
    this.codes = data.codes;
    this.codeIds = new Map();
    for (var i = 0; i < data.codes.length; i++) { this.codeIds.set(data.codes[i], i); }
    this.addOns = new Set(data.addons);
    this.raw = data.postings;
    this.cache = new Map();
    this.vocab = Object.keys(data.postings).sort();
    // a title's words make a name of its record; `names` adds the other names
    var names = new Map();
    var add = function (key, i) {
      var ids = names.get(key);
      if (ids === undefined) { names.set(key, [i]); } else if (ids.indexOf(i) < 0) { ids.push(i); }
    };
    for (i = 0; i < data.codes.length; i++) {
      var title = data.titles[data.title[i]];
      if (tokenize(title).length) { add(nameKey(title), i); }
    }
    Object.keys(data.names).forEach(function (key) {
      data.names[key].forEach(function (i) { add(key, i); });
    });
    this.names = names;
    this.nameKeys = Array.from(names.keys()).sort();
    this.deletes = null;  // built on the first query that needs typo tolerance
  }

  Index.prototype.has = function (token) {
    return Object.prototype.hasOwnProperty.call(this.raw, token);
  };

  // token -> {idf, w: Map(record -> weight)}, decoded on first use
  Index.prototype.posting = function (token) {
    var found = this.cache.get(token);
    if (found === undefined) {
      var flat = this.raw[token], weights = this.data.weights, w = new Map(), i = 0;
      for (var k = 1; k < flat.length; k += 2) {
        i += flat[k];  // record numbers after the first are differences
        w.set(i, weights[flat[k + 1]]);
      }
      found = { idf: flat[0], w: w };
      this.cache.set(token, found);
    }
    return found;
  };

  Index.prototype.buildDeletes = function () {
    var deletes = new Map();
    for (var i = 0; i < this.vocab.length; i++) {
      var token = this.vocab[i];
      if (token.length >= 4 && !DIGITS.test(token)) {
        var ds = deletions(token);
        for (var j = 0; j < ds.length; j++) {
          var list = deletes.get(ds[j]);
          if (list === undefined) { deletes.set(ds[j], [token]); } else { list.push(token); }
        }
      }
    }
    this.deletes = deletes;
  };

  // The index words a query word stands for, each with how much a match counts.
  Index.prototype.expand = function (word) {
    var found = [];
    if (this.has(word)) {
      found.push([word, 1.0]);
      if (word.length < 4) { return found; }
    }
    if (word.length >= 3) {
      var vocab = this.vocab, at = bisectLeft(vocab, word);
      var stop = Math.min(at + MAX_EXPANSIONS, vocab.length);
      for (var k = at; k < stop; k++) {
        var token = vocab[k];
        if (token.lastIndexOf(word, 0) !== 0) { break; }
        if (token !== word) { found.push([token, PREFIX_FACTOR]); }
      }
    }
    if (found.length === 0 && word.length >= 4 && !DIGITS.test(word)) {
      if (this.deletes === null) { this.buildDeletes(); }
      var deletes = this.deletes, self = this;
      var candidates = new Set(deletes.get(word) || []);
      if (this.has(word)) { candidates.add(word); }
      deletions(word).forEach(function (d) {
        if (self.has(d)) { candidates.add(d); }
        (deletes.get(d) || []).forEach(function (t) { candidates.add(t); });
      });
      Array.from(candidates).sort().forEach(function (token) {
        if (withinOneEdit(word, token)) { found.push([token, TYPO_FACTOR]); }
      });
    }
    return found;
  };

  Index.prototype.namesStarting = function (key, into) {
    if (key.length < 3) { return; }
    var keys = this.nameKeys, at = bisectLeft(keys, key);
    var stop = Math.min(at + MAX_EXPANSIONS, keys.length);
    for (var k = at; k < stop; k++) {
      if (keys[k].lastIndexOf(key, 0) !== 0) { break; }
      var ids = this.names.get(keys[k]);
      for (var j = 0; j < ids.length; j++) { into.set(ids[j], 2); }
    }
  };

  Index.prototype.codesStarting = function (code, into) {
    var codes = this.codes, at = bisectLeft(codes, code);
    var stop = Math.min(at + MAX_EXPANSIONS, codes.length);
    for (var k = at; k < stop; k++) {
      if (codes[k].lastIndexOf(code, 0) !== 0) { break; }
      into.set(k, 2);
    }
  };

  // Sort keys as _search.SearchIndex._rank_keys makes them: [lead, -matched, add-on, -score, i].
  Index.prototype.rankKeys = function (expanded, candidates, lead) {
    var cols = expanded.map(function (expansions) {
      return expansions.map(function (e) {
        var p = this.posting(e[0]);
        return { w: p.w, weight: p.idf * e[1] };
      }, this);
    }, this);
    var addOns = this.addOns;
    return candidates.map(function (i, n) {
      var matched = 0, score = 0.0;
      for (var a = 0; a < cols.length; a++) {
        var best = 0.0;
        for (var b = 0; b < cols[a].length; b++) {
          var w = cols[a][b].w.get(i);
          var value = (w === undefined ? 0.0 : w) * cols[a][b].weight;
          if (value > best) { best = value; }
        }
        score = score + best;
        if (best) { matched += 1; }
      }
      return [lead === null ? 0 : lead[n], -matched, addOns.has(i) ? 1 : 0, -score, i];
    });
  };

  function compareKeys(x, y) {
    for (var k = 0; k < x.length; k++) {
      if (x[k] < y[k]) { return -1; }
      if (x[k] > y[k]) { return 1; }
    }
    return 0;
  }

  // Up to `limit` record numbers for `text`, best first; [] when nothing matches.
  Index.prototype.search = function (text, limit) {
    if (typeof text !== "string" || !(limit > 0)) { return []; }
    var key = nameKey(text);
    if (!key) { return []; }
    var code = normalizeCode(text);
    var tiers = new Map();
    this.namesStarting(key, tiers);
    if (code.length >= 3 && (DIGITS.test(code.slice(1)) || DIGITS.test(code.slice(0, -1)))) {
      this.codesStarting(code, tiers);
    }
    (this.names.get(key) || []).forEach(function (i) { tiers.set(i, 3); });
    var exact = this.codeIds.get(code);
    if (exact !== undefined) { tiers.set(exact, 4); }
    var expanded = [], seen = new Set();
    tokenize(text).forEach(function (w) {
      if (seen.has(w)) { return; }
      seen.add(w);
      var found = this.expand(w);
      if (found.length) { expanded.push(found); }
    }, this);
    var ranked = [];
    if (tiers.size) {
      var order = Array.from(tiers.keys());
      ranked = this.rankKeys(expanded, order, order.map(function (i) { return -tiers.get(i); }))
        .sort(compareKeys).map(function (k) { return k[4]; });
    }
    if (ranked.length < limit && expanded.length) {
      var candidates = new Set();
      expanded.forEach(function (expansions) {
        expansions.forEach(function (e) {
          this.posting(e[0]).w.forEach(function (_, i) {
            if (!tiers.has(i)) { candidates.add(i); }
          });
        }, this);
      }, this);
      var keys = this.rankKeys(expanded, Array.from(candidates), null).sort(compareKeys);
      for (var k = 0; k < keys.length && ranked.length < limit; k++) { ranked.push(keys[k][4]); }
    }
    return ranked.slice(0, limit);
  };

  Index.prototype.url = function (i) {
    var where = this.data.where[i], code = this.codes[i];
    return where < 0 ? "codes/" + code + ".html" :
      "ranges/" + this.data.ranges[where] + ".html#" + code;
  };

  Index.prototype.title = function (i) {
    return this.data.titles[this.data.title[i]];
  };

  var index = null;
  function getIndex() {
    if (index === null && window.PROCCODES_INDEX) { index = new Index(window.PROCCODES_INDEX); }
    return index;
  }

  // For tests and for other pages' scripts: the codes of the best `limit` records.
  window.proccodesSearch = function (text, limit) {
    var idx = getIndex();
    if (idx === null) { return []; }
    return idx.search(text, limit || 10).map(function (i) { return idx.codes[i]; });
  };

  function show(input, list, status) {
    var idx = getIndex();
    var text = input.value;
    list.textContent = "";
    if (idx === null) {
      status.textContent = "The search index did not load.";
      return;
    }
    if (!nameKey(text)) { status.textContent = ""; return; }
    var found = idx.search(text, 20);
    status.textContent = found.length ?
      found.length + (found.length === 20 ? "+" : "") + " match" +
        (found.length === 1 ? "" : "es") + " for \u201c" + text.trim() + "\u201d" :
      "Nothing matches \u201c" + text.trim() + "\u201d. Try other words or a code.";
    found.forEach(function (i) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = idx.url(i);
      var codeSpan = document.createElement("span");
      codeSpan.className = "code";
      codeSpan.textContent = idx.codes[i];
      a.appendChild(codeSpan);
      a.appendChild(document.createTextNode(" " + idx.title(i)));
      li.appendChild(a);
      if (idx.data.where[i] >= 0) {
        var note = document.createElement("span");
        note.className = "kind";
        note.textContent = "not curated: official data only";
        li.appendChild(note);
      }
      list.appendChild(li);
    });
  }

  function start() {
    var form = document.getElementById("search");
    var input = document.getElementById("q");
    var list = document.getElementById("results");
    var status = document.getElementById("search-status");
    if (!form || !input || !list || !status) { return; }
    var run = function () { show(input, list, status); };
    input.addEventListener("input", run);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run();
      var first = list.querySelector("a");
      if (first) { first.focus(); }
    });
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) {
      input.value = query;
      run();
    }
    // Build the index and its typo table before the first keystroke, not on it.
    window.setTimeout(function () {
      var idx = getIndex();
      if (idx !== null && idx.deletes === null) { idx.buildDeletes(); }
    }, 0);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
