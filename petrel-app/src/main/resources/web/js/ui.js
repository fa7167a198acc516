// Small DOM helpers: every piece of server data goes in as text, never as HTML.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children with these (nested arrays flattened, null and false left out). */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** Replaces the page content and moves focus to the new heading for keyboard and screen readers. */
export function render(...children) {
  stopPolling();
  const main = document.getElementById("main");
  main.replaceChildren();
  append(main, children);
  const heading = main.querySelector("h1");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
    document.title = heading.textContent + " · Petrel";
  }
}

export function errorBox(e) {
  const msg = e?.message || String(e);
  return h("p", { class: "error", role: "alert" }, msg);
}

export function notice(text) {
  return h("p", { class: "notice", role: "status" }, text);
}

export function fmtTime(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

export function fmtNum(n) {
  return n === null || n === undefined ? "—" : Number(n).toLocaleString("en-US");
}

export function stateBadge(state) {
  return h("span", { class: "state state-" + state }, state);
}

/** A link to the reference page of a basic (550) or enhanced (5.1.1) code. */
export function codeLink(code) {
  if (code === null || code === undefined || code === "") return null;
  return h("a", { href: "#/codes/" + encodeURIComponent(code), class: "mono" }, String(code));
}

/** Text in which every reply code and enhanced code becomes a link to its reference page. */
export function linkCodes(text) {
  if (!text) return "";
  const parts = [];
  // A code stands alone or follows another code ("550-5.7.26"); one inside an address or a word
  // ("rcpt-550-5.1.1@sim.test") is left as text.
  const re = /(?<![\w.@+]|[A-Za-z]-)([245]\.\d{1,3}\.\d{1,3}|[245]\d\d)(?![\w@]|\.\d)/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    parts.push(text.slice(last, m.index));
    parts.push(codeLink(m[1]));
    last = m.index + m[1].length;
  }
  parts.push(text.slice(last));
  return parts;
}

/** A table; columns are [header, cell(row) → node, optional class]. */
export function table(columns, rows, caption) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "stack" },
      caption ? h("caption", { class: "muted" }, caption) : null,
      h("thead", {}, h("tr", {}, columns.map(([t, , c]) => h("th", { scope: "col", class: c }, t)))),
      h(
        "tbody",
        {},
        rows.map((r) => h("tr", {}, columns.map(([t, f, c]) => h("td", { "data-label": t, class: c }, f(r))))),
      ),
    ),
  );
}

/** Runs an action from a button, disabling it meanwhile and showing errors in `out`. */
export async function busy(button, out, fn) {
  button.disabled = true;
  out.replaceChildren();
  try {
    await fn();
  } catch (e) {
    out.replaceChildren(errorBox(e));
  } finally {
    button.disabled = false;
  }
}

const WHO = { sender: "the sender (you)", recipient: "the recipient", "recipient-admin": "the recipient's mail admin" };

/** The engine's "who must act" in words. */
export function who(id) {
  return id ? WHO[id] || id : null;
}

// Live pages: one refresh function at a time, called every few seconds while the tab is visible.
// A new page (render) stops it; a hidden tab makes no calls, and a tab shown again refreshes at once.
let polling = null;

/** Calls `refresh` every `ms` milliseconds while this page is shown and the tab is visible. */
export function poll(ms, refresh) {
  stopPolling();
  polling = { ms, refresh, timer: 0 };
  schedule(polling);
}

export function stopPolling() {
  if (polling) clearTimeout(polling.timer);
  polling = null;
}

function schedule(p) {
  clearTimeout(p.timer);
  if (polling === p && document.visibilityState !== "hidden") p.timer = setTimeout(() => tick(p), p.ms);
}

async function tick(p) {
  if (polling !== p || p.running || document.visibilityState === "hidden") return;
  p.running = true;
  try {
    await p.refresh();
  } catch {
    // the refresh shows its own errors; the next tick tries again
  } finally {
    p.running = false;
  }
  schedule(p);
}

document.addEventListener("visibilitychange", () => {
  if (!polling) return;
  if (document.visibilityState === "hidden") clearTimeout(polling.timer);
  else tick(polling);
});

/** How often live pages ask the API again. */
export const REFRESH_MS = 3000;

export function fmtBytes(n) {
  if (n === null || n === undefined) return "—";
  if (n < 1024) return fmtNum(n) + " B";
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " KiB";
  return (n / 1024 / 1024).toFixed(1) + " MiB";
}
