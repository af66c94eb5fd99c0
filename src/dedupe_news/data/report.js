"use strict";
// dedupe_news report viewer: renders pages, clusters and searches from the JSON blocks above.
// Page text is only ever put in the document as text (Node.append of a string, textContent),
// never parsed as markup.
(() => {
  const root = document.documentElement;
  const errors = [];
  const fail = (message) => {
    errors.push(String(message));
    root.dataset.errors = errors.join(" | ");
  };
  root.dataset.errors = "";
  window.addEventListener("error", (event) => fail(event.message));
  window.addEventListener("unhandledrejection", (event) => fail(event.reason));

  const PER_PAGE = 50; // rows per listing page
  const SEARCH_LIMIT = 200; // results shown per search
  const DIFF_MAX_WORDS = 400; // words per side compared after the common ends are cut
  const EQUAL_SHOWN = 6; // words shown each side of an unchanged run in a diff

  const data = (id) => JSON.parse(document.getElementById(id).textContent);
  const index = data("dn-index");
  const [ROLE, LABEL] = [index.roles, index.labels];
  const pageIds = new Map(index.pages.map((page, i) => [page[0], i]));
  const clusterIds = new Map(index.clusters.map((cluster, i) => [cluster[0], i]));
  const chunks = [];
  const view = document.getElementById("view");
  const overview = document.getElementById("overview");
  const search = document.getElementById("q");

  // A page's segments: [line, role, label, cluster, text, place, agencies, age].
  function segmentsOf(p) {
    const n = Math.floor(p / index.chunk);
    chunks[n] = chunks[n] || data("dn-pages-" + n);
    return chunks[n][p % index.chunk];
  }
  const segmentAt = (p, line) => segmentsOf(p).find((s) => s[0] === line);
  const segmentId = (p, line) => index.pages[p][0] + ":" + line;

  // el(tag, attributes, ...children): a string child becomes a text node.
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined) node.setAttribute(name, value);
    }
    node.append(...children.filter((c) => c !== null && c !== undefined && c !== ""));
    return node;
  }
  const hash = (...parts) => "#/" + parts.map((part) => encodeURIComponent(part)).join("/");
  const pageLink = (p, line) =>
    el("a", { href: line ? hash("page", index.pages[p][0], line) : hash("page", index.pages[p][0]) },
      line ? segmentId(p, line) : index.pages[p][0]);
  const clusterLink = (c) => el("a", { href: hash("cluster", index.clusters[c][0]) }, index.clusters[c][0]);
  const labelTag = (label) => el("span", { class: "label " + LABEL[label] }, LABEL[label]);
  const dateline = (s) => (s[5] === null ? "" : s[5] + (s[6].length ? " (" + s[6].join("/") + ")" : ""));
  const score = (x) => x.toFixed(3);

  function pager(route, number, total) {
    const pages = Math.max(1, Math.ceil(total / PER_PAGE));
    return el("nav", { class: "pager", "aria-label": "pages" },
      number > 1 ? el("a", { href: hash(route, number - 1) }, "← previous") : "",
      ` ${number} of ${pages} (${total.toLocaleString("en")} rows) `,
      number < pages ? el("a", { href: hash(route, number + 1) }, "next →") : "");
  }
  const table = (heads, rows) =>
    el("table", {}, el("thead", {}, el("tr", {}, ...heads.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ...rows.map((cells) => el("tr", {}, ...cells.map((c) => el("td", {}, c))))));

  let articles = null; // article cluster page -> its pages, built on first use
  function copiesOf(p) {
    if (articles === null) {
      articles = new Map();
      index.pages.forEach((page, q) => {
        if (page[5] !== null) articles.set(page[5], [...(articles.get(page[5]) || []), q]);
      });
    }
    const article = index.pages[p][5];
    return article === null ? [] : articles.get(article).filter((q) => q !== p);
  }

  function renderPage(p, line) {
    const [id, title, site, url, published] = index.pages[p];
    const safeUrl = url && /^https?:\/\//i.test(url) ? el("a", { href: url, rel: "noreferrer" }, url) : url;
    const facts = [["page", id], ["site", site], ["url", safeUrl], ["published", published],
      ["article copies", copiesOf(p).flatMap((q, i) => (i ? [", ", pageLink(q)] : [pageLink(q)]))]];
    const out = index.links.filter((k) => k[0] === p).map((k) =>
      [pageLink(k[0], k[1]), "→", pageLink(k[2]), title_(k[2]), score(k[4])]);
    const into = index.links.filter((k) => k[2] === p).map((k) =>
      [pageLink(k[0], k[1]), "→", pageLink(k[2], k[3]), title_(k[0]), score(k[4])]);
    const items = segmentsOf(p).map((s) => el("li", { class: "segment " + LABEL[s[2]], id: "s" + s[0], tabindex: "-1" },
      el("div", { class: "meta" }, "line " + s[0] + " · " + ROLE[s[1]] + " · ", labelTag(s[2]),
        dateline(s) && " · " + dateline(s), s[7] && " · " + s[7],
        s[3] === null ? "" : el("span", {}, " · repeated: ", clusterLink(s[3]),
          ` (${index.clusters[s[3]][2].length} members)`)),
      el("p", {}, s[4])));
    view.replaceChildren(el("h1", {}, title || id),
      el("dl", { class: "facts" }, ...facts.filter((f) => f[1] && f[1].length !== 0)
        .map(([k, v]) => el("div", {}, el("dt", {}, k), el("dd", {}, ...[v].flat())))),
      el("h2", {}, "Segments"), el("ol", { class: "segments" }, ...items),
      out.length ? el("h2", {}, "Teasers on this page that link to an article") : "",
      out.length ? table(["teaser", "", "article page", "its title", "score"], out) : "",
      into.length ? el("h2", {}, "Teasers elsewhere that link to this page") : "",
      into.length ? table(["teaser", "", "target", "teaser's page", "score"], into) : "");
    return line ? document.getElementById("s" + line) : null;
  }
  const title_ = (p) => index.pages[p][1] || "";

  // Word diff of `other` against `base`: [op, words] runs, op one of "=", "-", "+".
  function diff(base, other) {
    const a = base.split(/\s+/).filter(Boolean), b = other.split(/\s+/).filter(Boolean);
    let start = 0, end = 0;
    while (start < a.length && start < b.length && a[start] === b[start]) start++;
    while (end < Math.min(a.length, b.length) - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
    const x = a.slice(start, a.length - end), y = b.slice(start, b.length - end);
    const [m, n] = [Math.min(x.length, DIFF_MAX_WORDS), Math.min(y.length, DIFF_MAX_WORDS)];
    const lcs = Array.from({ length: m + 1 }, () => new Uint16Array(n + 1));
    for (let i = m - 1; i >= 0; i--) {
      for (let j = n - 1; j >= 0; j--) {
        lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    const runs = [["=", a.slice(0, start)]];
    const push = (op, word) => {
      const last = runs[runs.length - 1];
      if (last[0] === op) last[1].push(word); else runs.push([op, [word]]);
    };
    let i = 0, j = 0;
    while (i < m || j < n) {
      if (i < m && j < n && x[i] === y[j]) { push("=", x[i]); i++; j++; }
      else if (j < n && (i === m || lcs[i][j + 1] >= lcs[i + 1][j])) push("+", y[j++]);
      else push("-", x[i++]);
    }
    if (x.length > m) push("-", `… (${x.length - m} more words not compared)`);
    if (y.length > n) push("+", `… (${y.length - n} more words not compared)`);
    runs.push(["=", a.slice(a.length - end)]);
    return runs.filter((run) => run[1].length);
  }

  // How member segment `s` differs from the representative `base`: dateline, then words.
  function renderDiff(base, s) {
    const credit = dateline(s) === dateline(base) ? ""
      : el("span", { class: "credit" }, "dateline ", el("del", {}, dateline(base) || "none"), " ",
        el("ins", {}, dateline(s) || "none"), "; ");
    const runs = diff(base[4], s[4]);
    if (runs.every((run) => run[0] === "=")) {
      return el("span", {}, credit, el("span", { class: "same" }, "same words as the representative"));
    }
    return el("span", { class: "diff" }, credit, ...runs.flatMap(([op, words], k) => {
      if (op === "-") return [el("del", {}, words.join(" ")), " "];
      if (op === "+") return [el("ins", {}, words.join(" ")), " "];
      const head = k ? words.slice(0, EQUAL_SHOWN) : [];
      const tail = k < runs.length - 1 ? words.slice(-EQUAL_SHOWN) : [];
      const cut = words.length > head.length + tail.length;
      return [(cut ? [...head, "…", ...tail] : words).join(" ") + " "];
    }));
  }

  function renderCluster(c, number) {
    const [id, kind, members, rep, matches] = index.clusters[c];
    const base = segmentAt(...members[rep]);
    const lowest = matches.reduce((low, m) => Math.min(low, m[2]), 1);
    const rows = members.slice((number - 1) * PER_PAGE, number * PER_PAGE).map((member, k) => {
      const s = segmentAt(...member);
      const mine = (number - 1) * PER_PAGE + k === rep;
      return [pageLink(...member), title_(member[0]), ROLE[s[1]], labelTag(s[2]),
        [dateline(s), s[7]].filter(Boolean).join(" · "),
        mine ? el("strong", {}, "representative") : renderDiff(base, s)];
    });
    const named = (m) => segmentId(...members[m]);
    view.replaceChildren(el("h1", {}, "Cluster " + id),
      el("p", {}, `${kind} · ${members.length} members · lowest score ${score(lowest)}`),
      el("h2", {}, "Representative"), el("p", {}, pageLink(...members[rep]), " "),
      el("blockquote", {}, base[4]),
      el("h2", {}, "Members"), pager("cluster/" + id, number, members.length),
      table(["segment", "page title", "role", "label", "dateline · age", "how it differs from the representative"], rows),
      el("h2", {}, "Verified matches"),
      matches.length ? table(["a", "b", "score", "Jaccard"], matches.slice(0, SEARCH_LIMIT)
        .map((m) => [named(m[0]), named(m[1]), score(m[2]), score(m[3])]))
        : el("p", {}, "None: the members are equal once normalized (an exact cluster)."),
      matches.length > SEARCH_LIMIT ? el("p", { class: "note" }, `First ${SEARCH_LIMIT} of ${matches.length}.`) : "");
  }

  function renderList(kind, number) {
    const all = kind === "pages" ? index.pages : index.clusters;
    const rows = all.slice((number - 1) * PER_PAGE, number * PER_PAGE).map((item, k) => {
      const i = (number - 1) * PER_PAGE + k;
      return kind === "pages" ? [pageLink(i), item[1] || "", item[2] || ""]
        : [clusterLink(i), item[1], String(item[2].length), segmentAt(...item[2][item[3]])[4]];
    });
    view.replaceChildren(el("h1", {}, kind === "pages" ? "Pages" : "Clusters"),
      pager(kind, number, all.length),
      table(kind === "pages" ? ["page", "title", "site"] : ["cluster", "kind", "members", "representative text"], rows));
  }

  function renderSearch(query) {
    const q = query.trim().toLowerCase();
    const hits = [];
    for (let p = 0; p < index.pages.length && hits.length < SEARCH_LIMIT; p++) {
      for (const s of segmentsOf(p)) {
        if (segmentId(p, s[0]).toLowerCase().includes(q) || s[4].toLowerCase().includes(q)) {
          hits.push([pageLink(p, s[0]), ROLE[s[1]], labelTag(s[2]), s[3] === null ? "" : clusterLink(s[3]), s[4]]);
          if (hits.length === SEARCH_LIMIT) break;
        }
      }
    }
    search.value = query;
    view.replaceChildren(el("h1", {}, "Search: " + query),
      el("p", { role: "status" }, hits.length === SEARCH_LIMIT ? `The first ${SEARCH_LIMIT} segments found.` : `${hits.length} segments found.`),
      hits.length ? table(["segment", "role", "label", "cluster", "text"], hits) : "");
  }

  // Routes: #/page/ID[/LINE], #/cluster/ID[/N], #/pages/N, #/clusters/N, #/search/TEXT.
  function route() {
    const [kind, key, extra] = location.hash.slice(2).split("/").map(decodeURIComponent);
    const number = (text) => Math.max(1, parseInt(text, 10) || 1);
    let target = null;
    if (kind === "page" && pageIds.has(key)) target = renderPage(pageIds.get(key), parseInt(extra, 10));
    else if (kind === "cluster" && clusterIds.has(key)) renderCluster(clusterIds.get(key), number(extra));
    else if (kind === "pages" || kind === "clusters") renderList(kind, number(key));
    else if (kind === "search" && key) renderSearch(key);
    else if (kind) view.replaceChildren(el("h1", {}, "Not found"), el("p", {}, "Nothing in this report is called " + location.hash));
    overview.hidden = Boolean(kind);
    view.hidden = !kind;
    (target || (kind ? view : document.body)).focus({ preventScroll: true });
    if (target) target.scrollIntoView({ block: "center" }); else window.scrollTo(0, 0);
    root.dataset.ready = view.querySelector("h1")?.textContent === "Not found" ? "not-found" : kind || "overview";
  }

  function find(query) {
    const text = query.trim();
    if (pageIds.has(text)) return hash("page", text);
    if (clusterIds.has(text)) return hash("cluster", text);
    const at = text.lastIndexOf(":");
    if (at > 0 && pageIds.has(text.slice(0, at))) return hash("page", text.slice(0, at), text.slice(at + 1));
    return hash("search", text);
  }
  document.getElementById("search").addEventListener("submit", (event) => {
    event.preventDefault();
    if (search.value.trim()) location.hash = find(search.value);
  });
  document.addEventListener("keydown", (event) => {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
    if (event.key === "/" && !typing) {
      event.preventDefault();
      search.focus();
      search.select();
    }
  });
  window.addEventListener("hashchange", route);
  route();
})();
