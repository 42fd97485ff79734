/* proccodes site search: the ranking of proccodes/_search.py, ported line for line.
 *
 * Reads window.PROCCODES_INDEX (assets/search-index.js, written by `proccodes site` from
 * SearchIndex.export()): the library's token index with its weights, and the ranking's
 * constants (`params`), so that this script and the library cannot drift. Works from the files
 * alone: no request, no library. Ranking, best first: the code itself (typed as coders type it:
 * modifiers, units, prefixes, spaces), then the codes that replace it if it ended; a whole
 * name; a name or code that starts with the query (a misspelt name as its spelling would); then
 * more of the query's words found (an ended code counts one fewer, and after current ones),
 * add-on codes after primary ones, a higher score. A partial code lists the codes that start
 * so, primary codes first.
 */
(function () {
  "use strict";

  // The ranking's constants, set from the index's params when it loads (see configure).
  var STOP, WITH_WORDS, WITH_SHORT, CONTRAST_WORDS, CONTRAST_REACH, DOSE, TIERS;
  var PREFIX_FACTOR, TYPO_FACTOR, SOUND_FACTOR, TWO_TYPO_FACTOR, MAX_EXPANSIONS;
  var MAX_SOUNDALIKES, MAX_TWO_TYPO_CHECKS, LONG_WORD, RARE_WORD, COMMON_FACTOR;
  var MAX_WORD_LENGTH, MAX_QUERY_WORDS;
  var WORD = /[a-z0-9]+/g;
  var DIGITS = /^[0-9]+$/;
  var LETTERS = /^[a-z]+$/;
  var EDGES = /^[\s\u200b\u200c\u200d\u2060\ufeff]+|[\s\u200b\u200c\u200d\u2060\ufeff]+$/g;
  var CHUNK = 500;  // index words per step of a typo table's build (each step a short task)

  function configure(params) {
    STOP = new Set(params.stop);
    WITH_WORDS = new Set(params.with_words);
    WITH_SHORT = params.with_short;
    CONTRAST_WORDS = new Set(params.contrast_words);
    CONTRAST_REACH = params.contrast_reach;
    DOSE = new RegExp("([0-9])(" + params.dose_units.join("|") + ")(?![a-z])", "g");
    TIERS = params.tiers;
    PREFIX_FACTOR = params.prefix_factor;
    TYPO_FACTOR = params.typo_factor;
    SOUND_FACTOR = params.sound_factor;
    TWO_TYPO_FACTOR = params.two_typo_factor;
    MAX_EXPANSIONS = params.max_expansions;
    MAX_SOUNDALIKES = params.max_soundalikes;
    MAX_TWO_TYPO_CHECKS = params.max_two_typo_checks;
    LONG_WORD = params.long_word;
    RARE_WORD = params.rare_word;
    COMMON_FACTOR = params.common_factor;
    MAX_WORD_LENGTH = params.max_word_length;
    MAX_QUERY_WORDS = params.max_query_words;
  }

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

  function hasOwn(map, key) {
    return Object.prototype.hasOwnProperty.call(map, key);
  }

  // Lower-cased singular words without stop words; "10mg" is "10 mg"; "with" and "without"
  // (or "w", "w/o", "wo") count only before contrast or dye (see _search.tokenize).
  function tokenize(text) {
    var lower = text.toLowerCase();
    DOSE.lastIndex = 0;
    if (DOSE.test(lower)) { lower = lower.replace(DOSE, "$1 $2"); }
    var all = lower.match(WORD) || [], found = [];
    for (var n = 0; n < all.length; n++) {
      var word = all[n];
      if (STOP.has(word) || hasOwn(WITH_SHORT, word)) {
        if (!WITH_WORDS.has(word) && !hasOwn(WITH_SHORT, word)) { continue; }
        if (word === "w" && all[n + 1] === "o") {
          word = "without";
        } else if (hasOwn(WITH_SHORT, word)) {
          word = WITH_SHORT[word];
        }
        var near = all.slice(n + 1, n + 1 + CONTRAST_REACH);
        if (!near.some(function (w) { return CONTRAST_WORDS.has(w); })) { continue; }
      } else if (word === "o" && n && all[n - 1] === "w") {
        continue;
      }
      found.push(stem(word));
    }
    return found;
  }

  // A code typed as coders type it (see _search.read_code_query): null if the text is not one.
  var CODE = /^(?:[0-9]{4}[0-9A-Z]|[A-Z][0-9]{4})$/;
  var CODE_START = /^(?:[0-9]{3,4}|[A-Z][0-9]{2,3})$/;
  var QUERY_PREFIX = /^(?:(?:CPT|HCPCS)(?:\s*CODE)?|CODE)\b\s*[:#]?\s*/;
  var UNITS = /X\s*([0-9]{1,3})|([0-9]{1,3})\s*UNITS?/;
  var MODIFIERS = /^(?:[\s,-]*[A-Z0-9]{2}(?![A-Z0-9]))*$/;
  var ALNUM = /^[A-Za-z0-9]$/;
  function readCodeQuery(text) {
    var rest = normalizeCode(text).replace(/\.+$/, "");
    if (rest.length > 64) { return null; }
    var prefix = QUERY_PREFIX.exec(rest);
    if (prefix) { rest = rest.slice(prefix[0].length); }
    var code = "", at = 0;
    while (at < rest.length && code.length < 5) {
      var ch = rest.charAt(at);
      if (ALNUM.test(ch)) {
        code += ch;
      } else if (" .-".indexOf(ch) < 0 || !code) {
        break;
      }
      at++;
    }
    rest = rest.slice(at);
    if (code.length < 5) {
      if (!rest.trim() && CODE_START.test(code)) {
        return { code: code, modifiers: [], units: null, partial: true };
      }
      return null;
    }
    if (!CODE.test(code)) { return null; }
    var units = null, found = UNITS.exec(rest);
    if (found) {
      units = parseInt(found[1] || found[2], 10);
      rest = rest.slice(0, found.index) + rest.slice(found.index + found[0].length);
    }
    if (!MODIFIERS.test(rest.replace(/[ ,-]+$/, ""))) { return null; }
    return { code: code, modifiers: rest.match(/[A-Z0-9]{2}/g) || [], units: units,
      partial: false };
  }

  function nameKey(text) {
    return words(text).join(" ");
  }

  function normalizeCode(text) {
    // only ASCII letters are upper-cased, as proccodes.normalize_code does
    return text.replace(EDGES, "").replace(/[a-z]+/g, function (m) { return m.toUpperCase(); });
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

  // Optimal-string-alignment distance <= 2 (see _search._within_two_edits).
  function withinTwoEdits(a, b) {
    if (Math.abs(a.length - b.length) > 2) { return false; }
    var n = Math.min(a.length, b.length), i = 0;
    while (i < n && a[i] === b[i]) { i++; }
    a = a.slice(i);
    b = b.slice(i);
    if (!a || !b) { return a.length + b.length <= 2; }
    return withinOneEdit(a.slice(1), b.slice(1)) || withinOneEdit(a.slice(1), b) ||
      withinOneEdit(a, b.slice(1)) ||
      (a.slice(1, 2) === b.slice(0, 1) && b.slice(1, 2) === a.slice(0, 1) &&
        withinOneEdit(a.slice(2), b.slice(2)));
  }

  // The phonetic key of a lower-case word (see _search.sound_key).
  var SILENT_START = new Set(["kn", "gn", "pn", "ps", "wr"]);
  var SPELLINGS = [["sch", "sk"], ["ph", "f"], ["ch", "k"], ["q", "k"], ["x", "ks"],
    ["z", "s"], ["c", "k"], ["dg", "j"]];
  function soundKey(word) {
    if (!word) { return ""; }
    if (SILENT_START.has(word.slice(0, 2))) {
      word = word.slice(1);
    } else if (word.charAt(0) === "x") {
      word = "s" + word.slice(1);
    }
    word = word.replace(/s?c(?=[eiy])/g, "s").replace(/g(?=[eiy])/g, "j")
      .replace(/ti(?=[aou])|sh/g, "X");
    for (var k = 0; k < SPELLINGS.length; k++) {
      word = word.split(SPELLINGS[k][0]).join(SPELLINGS[k][1]);
    }
    word = word.replace(/(.)\1+/g, "$1");
    var head = (word.length === 0 || "aeiouy".indexOf(word.charAt(0)) >= 0) ? "a" :
      word.charAt(0);
    return head + word.slice(1).replace(/[aeiouyhw]/g, "");
  }

  function pushTo(map, key, value) {
    var list = map.get(key);
    if (list === undefined) { map.set(key, [value]); } else { list.push(value); }
  }

  function Index(data) {
    this.data = data;
    this.codes = data.codes;
    this.codeIds = new Map();
    for (var i = 0; i < data.codes.length; i++) { this.codeIds.set(data.codes[i], i); }
    this.addOns = new Set(data.addons);
    this.ended = new Set(data.ended);
    this.successors = data.successors;
    this.raw = data.postings;
    this.cache = new Map();
    this.counts = new Map();
    // the index words in the library's (sorted) order; sorted again only if they are not
    var vocab = Object.keys(data.postings);
    for (i = 1; i < vocab.length; i++) {
      if (vocab[i - 1] > vocab[i]) { vocab.sort(); break; }
    }
    this.vocab = vocab;
    // a title's words make a name of its record; `names` adds the other names
    var names = new Map();
    var add = function (key, i) {
      var ids = names.get(key);
      if (ids === undefined) { names.set(key, [i]); } else if (ids.indexOf(i) < 0) { ids.push(i); }
    };
    // each distinct title's name key once ("" if the title has no word that counts)
    var titleKeys = data.titles.map(function (title) {
      return tokenize(title).length ? nameKey(title) : "";
    });
    for (i = 0; i < data.codes.length; i++) {
      var titleKey = titleKeys[data.title[i]];
      if (titleKey) { add(titleKey, i); }
    }
    Object.keys(data.names).forEach(function (key) {
      data.names[key].forEach(function (i) { add(key, i); });
    });
    this.names = names;
    this.nameKeys = Array.from(names.keys()).sort();
    this.deletes = null;  // built on the first query that needs typo tolerance
    this.sounds = null;  // built on the first misspelt word
  }

  Index.prototype.has = function (token) {
    return Object.prototype.hasOwnProperty.call(this.raw, token);
  };

  // A posting's numbers: base-32 digits, a digit from the second half of BASE32 goes on.
  var BASE32 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  var DIGIT = new Map();
  for (var d = 0; d < BASE32.length; d++) { DIGIT.set(BASE32.charAt(d), d); }

  function numbers(text) {
    var out = [], value = 0;
    for (var k = 0; k < text.length; k++) {
      var digit = DIGIT.get(text.charAt(k));
      if (digit >= 32) {
        value = value * 32 + digit - 32;
      } else {
        out.push(value * 32 + digit);
        value = 0;
      }
    }
    return out;
  }

  // How many records hold an index word.
  Index.prototype.count = function (token) {
    var n = this.counts.get(token);
    if (n === undefined) {
      var text = this.raw[token][1];
      n = 0;
      for (var k = 0; k < text.length; k++) { if (DIGIT.get(text.charAt(k)) < 32) { n++; } }
      n = n / 2;
      this.counts.set(token, n);
    }
    return n;
  };

  // token -> {idf, w: Map(record -> weight)}, decoded on first use
  Index.prototype.posting = function (token) {
    var found = this.cache.get(token);
    if (found === undefined) {
      var flat = numbers(this.raw[token][1]), weights = this.data.weights, w = new Map(), i = 0;
      for (var k = 0; k < flat.length; k += 2) {
        i += flat[k];  // record numbers after the first are differences
        w.set(i, weights[flat[k + 1]]);
      }
      found = { idf: this.raw[token][0], w: w };
      this.cache.set(token, found);
    }
    return found;
  };

  // The one-edit table: an index word with one letter deleted -> the words. Built in steps of
  // CHUNK words (step() does one and says whether more remain), so that building it in the
  // background is a row of short tasks; a query that needs it first finishes it at once.
  Index.prototype.deletesBuilder = function () {
    var deletes = new Map(), vocab = this.vocab, at = 0, self = this;
    return function step() {
      var stop = Math.min(at + CHUNK, vocab.length);
      for (; at < stop; at++) {
        var token = vocab[at];
        if (token.length >= 4 && !DIGITS.test(token)) {
          var ds = deletions(token);
          for (var j = 0; j < ds.length; j++) { pushTo(deletes, ds[j], token); }
        }
      }
      if (at < vocab.length) { return true; }
      self.deletes = deletes;
      return false;
    };
  };

  Index.prototype.buildDeletes = function () {
    var step = this.deletesBuilder();
    while (step()) { /* all steps at once */ }
  };

  // Phonetic key -> its index words (the most common MAX_SOUNDALIKES), and a key's one-letter
  // deletions -> the keys (see _search.SearchIndex._sound_index); in steps, as above.
  Index.prototype.soundsBuilder = function () {
    var alike = new Map(), self = this, vocab = this.vocab, at = 0, keys = null, k = 0;
    var sounds = new Map(), deletes = new Map();
    return function step() {
      var stop;
      if (at < vocab.length) {
        stop = Math.min(at + CHUNK, vocab.length);
        for (; at < stop; at++) {
          var token = vocab[at];
          if (token.length >= 4 && LETTERS.test(token)) { pushTo(alike, soundKey(token), token); }
        }
        if (at < vocab.length) { return true; }
        keys = Array.from(alike.keys());
        return true;
      }
      stop = Math.min(k + CHUNK, keys.length);
      for (; k < stop; k++) {
        var key = keys[k], tokens = alike.get(key);
        if (key.length < 3) { continue; }
        if (tokens.length > MAX_SOUNDALIKES) {
          tokens = tokens.map(function (t) { return [-self.count(t), t]; }).sort(compareKeys)
            .slice(0, MAX_SOUNDALIKES).map(function (p) { return p[1]; });
        }
        sounds.set(key, tokens);
        if (key.length >= 4 && tokens.some(function (t) { return t.length >= LONG_WORD - 2; })) {
          new Set(deletions(key)).forEach(function (d) { pushTo(deletes, d, key); });
        }
      }
      if (k < keys.length) { return true; }
      self.sounds = { sounds: sounds, deletes: deletes };
      return false;
    };
  };

  Index.prototype.buildSounds = function () {
    var step = this.soundsBuilder();
    while (step()) { /* all steps at once */ }
  };

  // Build both typo tables in the background, one short task per step, then call `done`. A
  // table a query built at once meanwhile is not built again.
  Index.prototype.buildTablesInSteps = function (done) {
    var self = this, steps = [];
    if (this.deletes === null) { steps.push(["deletes", this.deletesBuilder()]); }
    if (this.sounds === null) { steps.push(["sounds", this.soundsBuilder()]); }
    function next() {
      while (steps.length && self[steps[0][0]] !== null) { steps.shift(); }
      if (!steps.length) {
        if (done) { done(); }
        return;
      }
      window.proccodesSearchSteps = (window.proccodesSearchSteps || 0) + 1;
      if (!steps[0][1]()) { steps.shift(); }
      window.setTimeout(next, 0);
    }
    window.setTimeout(next, 0);
  };

  // The index words a query word stands for, each with how much a match counts.
  Index.prototype.expand = function (word) {
    if (word.length > MAX_WORD_LENGTH) { return this.has(word) ? [[word, 1.0]] : []; }
    var exact = this.has(word), found = [];
    if (exact) {
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
    // a rare word with nothing starting with it may be a misspelling in the official texts
    var rare = exact && this.count(word) <= RARE_WORD && found.length === 1;
    if ((found.length === 0 || rare) && word.length >= 4 && !DIGITS.test(word)) {
      if (this.deletes === null) { this.buildDeletes(); }
      var deletes = this.deletes, self = this;
      var candidates = new Set(deletes.get(word) || []);
      deletions(word).forEach(function (d) {
        if (self.has(d)) { candidates.add(d); }
        (deletes.get(d) || []).forEach(function (t) { candidates.add(t); });
      });
      candidates.delete(word);
      var least = exact ? COMMON_FACTOR * this.count(word) : 1;
      Array.from(candidates).sort().forEach(function (token) {
        if (self.count(token) >= least && withinOneEdit(word, token)) {
          found.push([token, TYPO_FACTOR]);
        }
      });
      if (LETTERS.test(word) && !exact) {
        var known = new Set(found.map(function (e) { return e[0]; }));
        found = found.concat(this.soundingLike(word, known));
      }
    }
    return found;
  };

  // The index words with the phonetic key of `word`, less those `known` (and, when a word one
  // edit away is known or a sound-alike is within two edits, only those within two edits); for
  // a long word with none, those within two edits whose keys are one edit apart (see
  // _search.SearchIndex._sounding_like).
  Index.prototype.soundingLike = function (word, known) {
    var key = soundKey(word);
    if (key.length < 3) { return []; }
    if (this.sounds === null) { this.buildSounds(); }
    var sounds = this.sounds.sounds, soundDeletes = this.sounds.deletes;
    var found = (sounds.get(key) || []).filter(function (t) { return !known.has(t); })
      .map(function (t) { return [t, SOUND_FACTOR]; });
    var near = found.filter(function (e) { return withinTwoEdits(word, e[0]); });
    if (known.size || near.length) { found = near; }  // a far sound-alike is a coincidence
    if (found.length || known.size || word.length < LONG_WORD) { return found; }
    var keys = new Set(soundDeletes.get(key) || []);
    deletions(key).forEach(function (d) {
      if (sounds.has(d)) { keys.add(d); }
      (soundDeletes.get(d) || []).forEach(function (k) { keys.add(k); });
    });
    var checked = new Set();
    keys.forEach(function (k) {
      sounds.get(k).forEach(function (t) {
        if (checked.size < MAX_TWO_TYPO_CHECKS) { checked.add(t); }
      });
    });
    return Array.from(checked).sort().filter(function (t) { return withinTwoEdits(word, t); })
      .map(function (t) { return [t, TWO_TYPO_FACTOR]; });
  };

  // The records with a name starting with `key` (the first MAX_EXPANSIONS names).
  Index.prototype.namesStarting = function (key) {
    var found = [];
    if (key.length < 3) { return found; }
    var keys = this.nameKeys, at = bisectLeft(keys, key);
    var stop = Math.min(at + MAX_EXPANSIONS, keys.length);
    for (var k = at; k < stop; k++) {
      if (keys[k].lastIndexOf(key, 0) !== 0) { break; }
      found = found.concat(this.names.get(keys[k]));
    }
    return found;
  };

  Index.prototype.codesStarting = function (code, into) {
    var codes = this.codes, at = bisectLeft(codes, code);
    var stop = Math.min(at + MAX_EXPANSIONS, codes.length);
    for (var k = at; k < stop; k++) {
      if (codes[k].lastIndexOf(code, 0) !== 0) { break; }
      into.set(k, 2);
    }
  };

  // `key` (a query's words) with each misspelt word replaced by the one index word it stands
  // for; null if no word is misspelt or a misspelling stands for several.
  function respelt(key, expanded) {
    var spelt = [], parts = key.split(" ");
    for (var n = 0; n < parts.length; n++) {
      var word = parts[n];
      var found = STOP.has(word) ? undefined : expanded.get(stem(word));
      if (found && found.length && found[0][1] < PREFIX_FACTOR) {
        var best = Math.max.apply(null, found.map(function (e) { return e[1]; }));
        var tops = found.filter(function (e) { return e[1] === best; });
        if (tops.length > 1) { return null; }
        word = tops[0][0];
      }
      spelt.push(word);
    }
    var text = spelt.join(" ");
    return text !== key ? text : null;
  }

  // Sort keys as _search.SearchIndex._rank_keys makes them:
  // [lead, ended - matched, ended, add-on, -score, i].
  Index.prototype.rankKeys = function (expanded, candidates, lead) {
    var cols = expanded.map(function (expansions) {
      return expansions.map(function (e) {
        var p = this.posting(e[0]);
        return { w: p.w, weight: p.idf * e[1] };
      }, this);
    }, this);
    var addOns = this.addOns, self = this;
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
      var ended = self.ended.has(i) ? 1 : 0;  // an ended code counts one word fewer
      return [lead === null ? 0 : lead[n], ended - matched, ended, addOns.has(i) ? 1 : 0,
        -score, i];
    });
  };

  function compareKeys(x, y) {
    for (var k = 0; k < x.length; k++) {
      if (x[k] < y[k]) { return -1; }
      if (x[k] > y[k]) { return 1; }
    }
    return 0;
  }

  // The codes that start with `start`, current primary codes first, in code order, then
  // add-on codes, then ended codes (see _search.SearchIndex._code_listing).
  Index.prototype.codeListing = function (start, limit) {
    var codes = this.codes, at = bisectLeft(codes, start), end = bisectLeft(codes, start + "~");
    var found = [];
    for (var k = at; k < end; k++) {
      found.push([this.ended.has(k) ? 1 : 0, this.addOns.has(k) ? 1 : 0, k]);
    }
    return found.sort(compareKeys).slice(0, limit).map(function (x) { return x[2]; });
  };

  Index.prototype.current = function (ids) {
    var ended = this.ended;
    return ids.filter(function (i) { return !ended.has(i); });
  };

  // Up to `limit` record numbers for `text`, best first; [] when nothing matches.
  Index.prototype.search = function (text, limit) {
    if (typeof text !== "string" || !(limit > 0)) { return []; }
    var key = nameKey(text);
    if (!key) { return []; }
    var typed = readCodeQuery(text);
    if (typed !== null && typed.partial) { return this.codeListing(typed.code, limit); }
    var code = typed === null ? normalizeCode(text) : typed.code;
    var tiers = new Map();
    this.current(this.namesStarting(key)).forEach(function (i) { tiers.set(i, TIERS.prefix); });
    if (code.length >= 3 && (DIGITS.test(code.slice(1)) || DIGITS.test(code.slice(0, -1)))) {
      this.codesStarting(code, tiers);
    }
    this.current(this.names.get(key) || []).forEach(function (i) { tiers.set(i, TIERS.name); });
    var exact = this.codeIds.get(code);
    if (exact !== undefined) {
      (this.successors[String(exact)] || []).forEach(function (i) {
        tiers.set(i, TIERS.successor);
      });
      tiers.set(exact, TIERS.code);
    }
    var byWord = new Map(), expanded = [];
    (typed === null ? tokenize(text) : []).forEach(function (w) {
      if (byWord.has(w) || byWord.size >= MAX_QUERY_WORDS) { return; }
      var found = this.expand(w);
      byWord.set(w, found);
      if (found.length) { expanded.push(found); }
    }, this);
    var misspelt = expanded.some(function (found) { return found[0][1] < PREFIX_FACTOR; });
    var spelt = misspelt ? respelt(key, byWord) : null;
    if (spelt !== null) {  // a misspelt name reaches the tier its spelling would
      this.current(this.namesStarting(spelt)).forEach(function (i) {
        if (!tiers.has(i)) { tiers.set(i, TIERS.prefix); }
      });
      this.current(this.names.get(spelt) || []).forEach(function (i) {
        if (tiers.get(i) < TIERS.name) { tiers.set(i, TIERS.name); }
      });
    }
    var ranked = [];
    if (tiers.size) {
      var order = Array.from(tiers.keys());
      ranked = this.rankKeys(expanded, order, order.map(function (i) { return -tiers.get(i); }))
        .sort(compareKeys).map(function (k) { return k[5]; });
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
      for (var k = 0; k < keys.length && ranked.length < limit; k++) { ranked.push(keys[k][5]); }
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
    if (index === null && window.PROCCODES_INDEX) {
      configure(window.PROCCODES_INDEX.params);
      index = new Index(window.PROCCODES_INDEX);
    }
    return index;
  }

  // For tests and for other pages' scripts: the codes of the best `limit` records.
  window.proccodesSearch = function (text, limit) {
    var idx = getIndex();
    if (idx === null) { return []; }
    return idx.search(text, limit || 10).map(function (i) { return idx.codes[i]; });
  };

  // What a typed code notes besides the code: "modifier RT", "4 units".
  function noted(text) {
    var typed = readCodeQuery(text);
    if (typed === null || typed.partial) { return ""; }
    var parts = [];
    if (typed.modifiers.length) {
      parts.push((typed.modifiers.length === 1 ? "modifier " : "modifiers ") +
        typed.modifiers.join(", "));
    }
    if (typed.units !== null) { parts.push(typed.units + (typed.units === 1 ? " unit" : " units")); }
    return parts.length ? " (code " + typed.code + ", " + parts.join(", ") + " noted)" : "";
  }

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
        (found.length === 1 ? "" : "es") + " for \u201c" + text.trim() + "\u201d" + noted(text) :
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
      var notes = [];
      if (idx.ended.has(i)) { notes.push("ended"); }
      if (idx.data.where[i] >= 0) { notes.push("not curated: official data only"); }
      if (notes.length) {
        var note = document.createElement("span");
        note.className = "kind";
        note.textContent = notes.join("; ");
        li.appendChild(note);
      }
      list.appendChild(li);
    });
  }

  // The page's address says the query (?q=...), so Back and a shared link show it again.
  function remember(text) {
    try {
      var url = new URL(window.location.href);
      if (text.trim()) { url.searchParams.set("q", text); } else { url.searchParams.delete("q"); }
      if (url.href !== window.location.href) { window.history.replaceState(null, "", url.href); }
    } catch (e) { /* an address that cannot change (some file: pages): the search still works */ }
  }

  // The index file's address: next to this script.
  function indexSource() {
    var script = document.currentScript;
    var src = script && script.src ? script.src : "assets/search.js";
    return src.replace(/search\.js([?#].*)?$/, "search-index.js");
  }
  var INDEX_SOURCE = indexSource();

  function loadIndex(ready, failed) {
    if (window.PROCCODES_INDEX) { window.setTimeout(ready, 0); return; }
    var script = document.createElement("script");
    script.src = INDEX_SOURCE;
    script.onload = function () { if (window.PROCCODES_INDEX) { ready(); } else { failed(); } };
    script.onerror = failed;
    document.head.appendChild(script);
  }

  function start() {
    var form = document.getElementById("search");
    var input = document.getElementById("q");
    var list = document.getElementById("results");
    var status = document.getElementById("search-status");
    if (!form || !input || !list || !status) { return; }
    var loaded = false;
    var query = new URLSearchParams(window.location.search).get("q");
    if (query && !input.value) { input.value = query; }
    var run = function () {
      if (!loaded) { status.textContent = "Loading search..."; return; }
      show(input, list, status);
    };
    input.addEventListener("input", function () {
      run();
      remember(input.value);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run();
      remember(input.value);
      var first = list.querySelector("a");
      if (first) { first.focus(); }
    });
    status.textContent = "Loading search...";
    loadIndex(function () {
      loaded = true;
      var idx = getIndex();
      // the text typed while the index loaded (or given as ?q=) runs now
      if (nameKey(input.value)) { run(); } else { status.textContent = ""; }
      // the typo tables, in short steps, before the first misspelling needs them
      if (idx !== null) {
        idx.buildTablesInSteps(function () { window.proccodesSearchTablesReady = true; });
      }
    }, function () {
      status.textContent = "The search index did not load.";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
