/* filmpage theme script: instant search and the catalogue's sort and filter.
   Everything here is an enhancement: without it, every page still works. */
(function () {
  "use strict";
  var base = document.body.getAttribute("data-base") || "/";
  // A site built with relative links may be opened from disk (file://), where the
  // browser refuses fetch: its data comes as scripts, and folders are linked by their
  // index.html (a file:// folder shows its listing).
  var relative = document.body.getAttribute("data-links") === "relative";

  // The page's language, and its words for what this script writes (js/messages.js, made
  // from the site's catalogues); English where they are missing.
  var lang = document.documentElement.lang || "en";
  var messages = window.filmpageMessages || {};
  var ENGLISH = {
    "directed": "Directed by {names}", "unavailable": "Search is not available here.",
    "no-match": "No films match \u201c{query}\u201d.",
    "matches": { one: "{count} film matches \u201c{query}\u201d.", other: "{count} films match \u201c{query}\u201d." },
    "see-all": { one: "See the {count} result", other: "See all {count} results" },
    "show-more": { one: "Show more ({count} left)", other: "Show more ({count} left)" },
    "chosen": "Films chosen", "films": { one: "{count} film", other: "{count} films" },
    "no-sort": "Sorting and filtering are not available.", "fresh": "Fresh", "rotten": "Rotten"
  };
  var plurals = null, numbers = null;
  try {
    plurals = new Intl.PluralRules(lang);
    numbers = new Intl.NumberFormat(lang);
  } catch (e) { /* an unknown language: English rules */ }

  function number(n) { return numbers ? numbers.format(n) : String(n); }

  // A message with its values put in; a plural one in the form ``count`` takes.
  function say(key, values) {
    var message = messages[key] || ENGLISH[key];
    values = values || {};
    if (typeof message === "object") {
      var kind = plurals ? plurals.select(values.count) : (values.count === 1 ? "one" : "other");
      message = message[kind] || message.other || ENGLISH[key].other;
    }
    return message.replace(/\{(\w+)\}/g, function (all, name) {
      if (!(name in values)) return all;
      return name === "count" ? number(values.count) : String(values[name]);
    });
  }

  function percent(n) {
    try { return new Intl.NumberFormat(lang, { style: "percent" }).format(n / 100); }
    catch (e) { return n + "%"; }
  }

  // Keep a choice in the address; a browser that refuses (some do for file://) keeps none.
  function remember(url) {
    try { history.replaceState(null, "", url); } catch (e) { /* the page still works */ }
  }

  function page(path) {
    return base + path + (relative && (path === "" || path.slice(-1) === "/") ? "index.html" : "");
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = text;
    return node;
  }

  /* ---- Search ---------------------------------------------------------- */
  // The index: words split into files by their first letters (search/words/<hex>.json), each
  // word naming films by their position in films.json, which holds what a result shows.
  var input = document.getElementById("site-search");
  var panel = document.getElementById("search-panel");
  var pageResults = document.getElementById("search-results");
  var latest = 0;
  var films = null;
  var shards = {};
  var CJK_RANGE = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af";
  var CJK = new RegExp("[" + CJK_RANGE + "]+", "g");
  var CJK_START = new RegExp("^[" + CJK_RANGE + "]");

  // A data file of the site (films.json, search/words/<hex>.json); a missing one is {}.
  function fetchJSON(rel) {
    if (relative) return dataScript(rel);
    return fetch(base + rel).then(function (r) {
      if (r.status === 404) return {};
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }

  // The same data from its twin script (<rel>.js), which stores it in filmpageData.
  function dataScript(rel) {
    return new Promise(function (resolve) {
      var store = window.filmpageData || (window.filmpageData = {});
      var tag = el("script", { src: base + rel.replace(/\.json$/, ".js") });
      tag.onload = tag.onerror = function () { tag.remove(); resolve(store[rel] || {}); };
      document.head.appendChild(tag);
    });
  }

  function loadFilms() {
    if (!films) {
      films = fetchJSON("films.json").then(function (data) {
        var f = {};
        data.fields.forEach(function (name, i) { f[name] = i; });
        return { data: data, f: f };
      });
    }
    return films;
  }

  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
  }

  // The same words as filmpage's searchindex.words(): CJK characters and pairs, and
  // other words of two letters or more.
  function words(text) {
    text = fold(text);
    var out = [];
    (text.match(CJK) || []).forEach(function (run) {
      var chars = Array.from(run);
      if (chars.length === 1) out.push(chars[0]);
      for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    });
    (text.replace(CJK, " ").match(/[\p{L}\p{N}]+/gu) || []).forEach(function (w) {
      if (w.length > 1) out.push(w);
    });
    return out;
  }

  function shardFile(word) {
    var key = CJK_START.test(word) ? Array.from(word)[0] : word.slice(0, 2);
    var hex = Array.from(new TextEncoder().encode(key), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
    if (!shards[hex]) shards[hex] = fetchJSON("search/words/" + hex + ".json");
    return shards[hex];
  }

  // Films having a word that starts with each query word; title matches first.
  function find(query) {
    var wanted = words(query);
    if (!wanted.length) return Promise.resolve([]);
    return Promise.all([loadFilms()].concat(wanted.map(shardFile))).then(function (got) {
      var ix = got[0], f = ix.f, hits = null;
      wanted.forEach(function (word, n) {
        var shard = got[n + 1], ids = new Set();
        Object.keys(shard).forEach(function (w) {
          if (w.startsWith(word)) shard[w].forEach(function (id) { ids.add(id); });
        });
        hits = hits === null ? ids : new Set([...hits].filter(function (id) { return ids.has(id); }));
      });
      var ids = Array.from(hits || []);
      function inTitle(film) {
        var title = words(film[f.title] + " " + (film[f.original_title] || ""));
        return wanted.filter(function (w) {
          return title.some(function (t) { return t.startsWith(w); });
        }).length;
      }
      var score = new Map(ids.map(function (id) { return [id, inTitle(ix.data.films[id])]; }));
      ids.sort(function (a, b) { return score.get(b) - score.get(a) || a - b; });
      return ids.map(function (id) {
        var film = ix.data.films[id];
        var directors = film[f.directors];
        var line = [film[f.original_title], directors.length ? say("directed", { names: directors.join(", ") }) : ""];
        return {
          url: page("films/" + film[f.slug] + "/"),
          title: film[f.title] + " (" + film[f.year] + ")",
          excerpt: line.filter(Boolean).join(" \u00b7 "),
        };
      });
    });
  }

  function resultItem(data) {
    var li = el("li", { "class": "result" });
    li.appendChild(el("a", { href: data.url, "class": "result-link" }, data.title));
    if (data.excerpt) li.appendChild(el("p", { "class": "result-excerpt" }, data.excerpt));
    return li;
  }

  function showPanel(nodes) {
    panel.replaceChildren.apply(panel, nodes);
    panel.hidden = nodes.length === 0;
  }

  function search(query) {
    var ticket = ++latest;
    query = query.trim();
    if (!query) {
      if (pageResults) render([], query, 0); else showPanel([]);
      return;
    }
    find(query).then(function (found) {
      if (ticket === latest) render(found.slice(0, pageResults ? 100 : 8), query, found.length);
    }).catch(function () {
      var note = el("p", { "class": "search-note" }, say("unavailable"));
      if (pageResults) { pageResults.replaceChildren(); status(note.textContent); } else showPanel([note]);
    });
  }

  function status(text) {
    var node = document.getElementById("search-status");
    if (node) node.textContent = text;
  }

  function render(items, query, total) {
    var summary = total === 0 ? (query ? say("no-match", { query: query }) : "")
      : say("matches", { count: total, query: query });
    if (pageResults) {
      pageResults.replaceChildren.apply(pageResults, items.map(resultItem));
      status(summary);
      return;
    }
    var list = el("ul", { "class": "search-results" });
    items.forEach(function (d) { list.appendChild(resultItem(d)); });
    var nodes = [el("p", { "class": "search-summary" }, summary)];
    if (items.length) nodes.push(list);
    if (total > items.length) {
      nodes.push(el("a", { href: page("search/") + "?q=" + encodeURIComponent(query), "class": "search-all" },
        say("see-all", { count: total })));
    }
    showPanel(query ? nodes : []);
  }

  if (input && panel) {
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { search(input.value); }, 120);
    });
    input.addEventListener("focus", function () { loadFilms().catch(function () {}); }, { once: true });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { input.value = ""; search(""); }
    });
    if (pageResults) {
      var q = new URLSearchParams(location.search).get("q");
      if (q) { input.value = q; search(q); }
      input.closest("form").addEventListener("submit", function (e) {
        e.preventDefault();
        remember("?q=" + encodeURIComponent(input.value));
        search(input.value);
      });
    }
    document.addEventListener("click", function (e) {
      if (!panel.hidden && !panel.contains(e.target) && e.target !== input) showPanel([]);
    });
  }

  /* ---- Sort and filter the catalogue ----------------------------------- */
  var form = document.getElementById("facets");
  var catalogue = document.getElementById("catalogue");
  var count = document.getElementById("catalogue-count");
  if (!form || !catalogue) return;
  var index = null;
  var shown = 0;
  var matches = [];

  function load() {
    if (!index) {
      index = loadFilms().then(function (ix) {
        ix.data.films.forEach(function (film, i) { film.order = i; });
        return ix;
      });
    }
    return index;
  }

  function value(film, f, name) { return film[f[name]]; }

  var SORTS = {
    "title": null,
    "year": ["year", 1], "year-desc": ["year", -1],
    "tomatometer": ["tomatometer", -1], "customer": ["customer_rating", -1],
    "runtime": ["runtime", 1], "runtime-desc": ["runtime", -1]
  };

  function choose(ix) {
    var d = ix.data, f = ix.f;
    var genre = form.genre.value, decade = form.decade.value, band = form.band.value;
    var rated = form.rated.value;
    var genreAt = d.genres.findIndex(function (g) { return g[0] === genre; });
    var bandRow = d.bands.find(function (b) { return b[0] === band; });
    var list = d.films.filter(function (film) {
      if (genre && value(film, f, "genres").indexOf(genreAt) < 0) return false;
      if (decade && Math.floor(value(film, f, "year") / 10) * 10 + "s" !== decade) return false;
      if (bandRow) {
        var t = value(film, f, "tomatometer");
        if (t == null || t < bandRow[1] || t > bandRow[2]) return false;
      }
      if (rated && d.ratings[value(film, f, "content_rating")] !== rated) return false;
      return true;
    });
    var sort = SORTS[form.sort.value];
    if (sort) {
      list.sort(function (a, b) {
        var x = value(a, f, sort[0]), y = value(b, f, sort[0]);
        if (x == null || y == null) return (x == null) - (y == null) || a.order - b.order;
        return (x - y) * sort[1] || a.order - b.order;
      });
    }
    return list;
  }

  // Posters are at the site's root, which a language's index says where is from its folder.
  function srcset(text, root) {
    return text.split(", ").map(function (part) { return root + part; }).join(", ");
  }

  function initial(title) {
    var text = title.trim().replace(/^(the|a|an)\s+(?=\S)/i, "");
    var m = text.match(/[\p{L}\p{N}]/u);
    return m ? m[0].toUpperCase() : text.slice(0, 1) || "?";
  }

  // The same card as the theme's card macro.
  function card(film, ix) {
    var f = ix.f;
    var slug = value(film, f, "slug"), title = value(film, f, "title"), year = value(film, f, "year");
    var li = el("li", { "class": "card" });
    var a = el("a", { "class": "card-link", href: page("films/" + slug + "/") });
    var box = el("span", { "class": "card-poster" });
    var poster = value(film, f, "poster");
    var root = base + (ix.data.root || "");
    var sizes = "(min-width: 1240px) 180px, (min-width: 760px) 16vw, 44vw";
    if (Array.isArray(poster)) {
      var pic = el("picture");
      pic.appendChild(el("source", { type: "image/webp", srcset: srcset(poster[3], root), sizes: sizes }));
      pic.appendChild(el("img", { "class": "poster-img", src: root + poster[0], srcset: srcset(poster[4], root),
        sizes: sizes, width: poster[1], height: poster[2], alt: "", loading: "lazy", decoding: "async" }));
      box.appendChild(pic);
    } else if (poster) {
      box.appendChild(el("img", { "class": "poster-img", src: root + poster, alt: "",
        loading: "lazy", decoding: "async" }));
    } else {
      var ph = el("span", { "class": "poster-placeholder", style: "--hue: " + value(film, f, "hue"),
        "aria-hidden": "true" });
      ph.appendChild(el("span", { "class": "ph-initial" }, initial(title)));
      box.appendChild(ph);
    }
    a.appendChild(box);
    a.appendChild(el("h3", { "class": "card-title" }, title));
    li.appendChild(a);
    var directors = value(film, f, "directors");
    li.appendChild(el("p", { "class": "card-meta" },
      year + (directors.length ? " \u00b7 " + directors.join(", ") : "")));
    var score = value(film, f, "tomatometer");
    if (score != null) {
      var state = score >= 60 ? "fresh" : "rotten";
      var m = el("span", { "class": "meter meter-" + state + " meter-small" });
      m.appendChild(el("span", { "class": "meter-icon", "aria-hidden": "true" }));
      m.appendChild(el("span", { "class": "meter-score" }, percent(score)));
      m.appendChild(document.createTextNode(" "));
      m.appendChild(el("span", { "class": "meter-state" }, say(state)));
      var p = el("p", { "class": "card-score" });
      p.appendChild(m);
      li.appendChild(p);
    }
    return li;
  }

  function more(ix, grid, button) {
    var pageSize = parseInt(form.getAttribute("data-page-size"), 10) || 48;
    matches.slice(shown, shown + pageSize).forEach(function (film) { grid.appendChild(card(film, ix)); });
    shown = Math.min(matches.length, shown + pageSize);
    button.hidden = shown >= matches.length;
    button.textContent = say("show-more", { count: matches.length - shown });
  }

  function apply() {
    load().then(function (ix) {
      matches = choose(ix);
      shown = 0;
      var grid = el("ul", { "class": "grid" });
      var button = el("button", { type: "button", "class": "button show-more" });
      button.addEventListener("click", function () {
        var next = shown;
        more(ix, grid, button);
        var link = grid.children[next] && grid.children[next].querySelector("a");
        if (link) link.focus();
      });
      var section = el("section", { "class": "films", "aria-labelledby": "films-heading" });
      section.appendChild(el("h2", { id: "films-heading", "class": "visually-hidden" }, say("chosen")));
      section.appendChild(grid);
      catalogue.replaceChildren(section, button);
      more(ix, grid, button);
      var text = say("films", { count: matches.length });
      document.getElementById("facet-status").textContent = text;
      if (count) count.textContent = text;
      var params = new URLSearchParams();
      ["sort", "genre", "decade", "band", "rated"].forEach(function (name) {
        var v = form[name].value;
        if (v && !(name === "sort" && v === "title")) params.set(name, v);
      });
      var query = params.toString();
      remember(query ? "?" + query : location.pathname);
    }).catch(function () {
      document.getElementById("facet-status").textContent = say("no-sort");
      if (count) count.textContent = say("no-sort");
    });
  }

  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  var start = new URLSearchParams(location.search);
  var any = false;
  ["sort", "genre", "decade", "band", "rated"].forEach(function (name) {
    var v = start.get(name);
    if (v && form[name].querySelector('option[value="' + CSS.escape(v) + '"]')) {
      form[name].value = v;
      any = true;
    }
  });
  if (any) apply();
})();
