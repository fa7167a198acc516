// Deliverability overview: quota from /api/v1/account, counts over time and the top lists from
// /api/v1/stats, drawn with uPlot (served from its WebJar).
import { get, ApiError } from "./api.js";
import { h, render, errorBox, notice, fmtNum, fmtTime, codeLink, table } from "./ui.js";

const SERIES = [
  ["delivered", "#1a6b35"],
  ["deferred", "#8a5a00"],
  ["bounced", "#a4232e"],
];

function quotaCard(account) {
  const q = account.quota || {};
  const text =
    q.limit === null || q.limit === undefined
      ? `${fmtNum(q.used)} this month (no limit)`
      : `${fmtNum(q.used)} of ${fmtNum(q.limit)} this month`;
  return h(
    "div",
    { class: "card", id: "quota" },
    h("h2", {}, "Quota"),
    h("p", { class: "big" }, text),
    h("p", { class: "muted" }, `Plan ${account.plan}` + (q.resets ? `, resets ${fmtTime(q.resets)}` : "")),
  );
}

function card(title, value, note, id) {
  return h("div", { class: "card", id }, h("h2", {}, title), h("p", { class: "big" }, value), note ? h("p", { class: "muted" }, note) : null);
}

/** Draws the over-time chart; the container keeps its height before and after, so nothing moves. */
function chart(box, points) {
  if (!window.uPlot) {
    box.replaceChildren(errorBox(new Error("the chart library (uPlot WebJar) did not load")));
    return;
  }
  if (!points.length) {
    box.replaceChildren(notice("No delivery in this period yet."));
    return;
  }
  const xs = points.map((p) => Date.parse(p.start) / 1000);
  const data = [xs, ...SERIES.map(([k]) => points.map((p) => p[k] ?? 0))];
  box.replaceChildren();
  const width = Math.max(280, box.clientWidth - 16);
  new window.uPlot(
    {
      width,
      height: 260,
      title: "Recipients by outcome",
      series: [{}, ...SERIES.map(([k, c]) => ({ label: k, stroke: c, width: 2, points: { show: true } }))],
      axes: [{}, { label: "recipients" }],
    },
    data,
    box,
  );
  const canvas = box.querySelector("canvas");
  if (canvas) {
    canvas.setAttribute("role", "img");
    canvas.setAttribute(
      "aria-label",
      "Chart of " + SERIES.map(([k]) => `${k} ${data[1 + SERIES.findIndex(([x]) => x === k)].reduce((a, b) => a + b, 0)}`).join(", "),
    );
  }
}

function topTable(title, rows, label, cell) {
  return h(
    "section",
    {},
    h("h2", {}, title),
    rows?.length ? table([[label, cell], ["Count", (r) => fmtNum(r.count), "num"]], rows) : h("p", { class: "muted" }, "Nothing yet."),
  );
}

export async function overview() {
  const cards = h("div", { class: "cards" }, card("Quota", "…", null, "quota"), card("Bounce rate", "…", null, "bounce-rate"));
  const chartBox = h("figure", { class: "chart", id: "chart", "aria-busy": "true" }, h("p", { class: "muted" }, "Loading the chart…"));
  const tops = h("div", { id: "tops", class: "cards" });
  render(h("h1", {}, "Deliverability overview"), cards, h("h2", {}, "Over time"), chartBox, tops);

  const [account, stats] = await Promise.allSettled([get("/account"), get("/stats")]);
  if (account.status === "fulfilled") cards.children[0].replaceWith(quotaCard(account.value));
  else cards.children[0].replaceWith(h("div", { class: "card" }, errorBox(account.reason)));
  chartBox.removeAttribute("aria-busy");
  if (stats.status === "rejected") {
    const e = stats.reason;
    const missing = e instanceof ApiError && e.status === 404;
    const msg = missing ? "This Petrel has no statistics endpoint (/api/v1/stats); the chart and top lists need it." : e.message;
    cards.children[1].replaceWith(card("Bounce rate", "—", missing ? "needs /api/v1/stats" : null, "bounce-rate"));
    chartBox.replaceChildren(missing ? notice(msg) : errorBox(e));
    return;
  }
  const s = stats.value;
  const rate = s.bounce_rate;
  cards.children[1].replaceWith(
    card("Bounce rate", rate === null || rate === undefined ? "—" : (rate * 100).toFixed(1) + " %", s.since ? "since " + fmtTime(s.since) : null, "bounce-rate"),
  );
  chart(chartBox, s.series || []);
  tops.replaceChildren(
    topTable("Top reasons", s.top_reasons, "Reason", (r) => h("a", { href: "#/messages?reason=" + encodeURIComponent(r.reason) }, r.reason)),
    topTable("Top codes", s.top_codes, "Code", (r) => [codeLink(r.code), " ", codeLink(r.enhanced)]),
    topTable("Top failing domains", s.top_domains, "Domain", (r) => h("a", { href: "#/messages?domain=" + encodeURIComponent(r.domain) }, r.domain)),
  );
}
