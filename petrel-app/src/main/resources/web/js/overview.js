// Deliverability overview: quota from /api/v1/account, counts over time and the top lists from
// /api/v1/stats, drawn with uPlot (served from its WebJar), and a warning when the bounce rate of
// the last 7 days is high.
import { get, query, ApiError } from "./api.js";
import { h, render, errorBox, notice, fmtNum, fmtTime, codeLink, table } from "./ui.js";

// The chart counts recipients, each once, in the bucket where it reached its final state. Deferred
// attempts (a recipient retried three times counts three) are another unit: they are a card.
const SERIES = [
  ["delivered", "#1a6b35"],
  ["bounced", "#a4232e"],
  ["expired", "#8a5a00"],
  ["suppressed", "#4a5361"],
];

// Bounce-rate levels, after Amazon SES's: an account is reviewed from a 5 % bounce rate and its
// sending may be paused from 10 % (https://docs.aws.amazon.com/ses/latest/dg/faqs-enforcement.html,
// https://docs.aws.amazon.com/ses/latest/dg/reputationdashboard-messages.html).
const WARNING = 0.05;
const CRITICAL = 0.1;
const WINDOW_DAYS = 7;
const SES = "https://docs.aws.amazon.com/ses/latest/dg/faqs-enforcement.html";

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
  if (!points.some((p) => SERIES.some(([k]) => p[k]))) {
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
      title: "Recipients by final outcome",
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
      "Chart of recipients by final outcome: " + SERIES.map(([k]) => `${k} ${data[1 + SERIES.findIndex(([x]) => x === k)].reduce((a, b) => a + b, 0)}`).join(", "),
    );
  }
}

/** The last 7 days' bounce rate against the levels, with the reasons of the bounces; null if fine. */
function bounceWarning(s) {
  const t = s.totals || {};
  const attempted = (t.delivered || 0) + (t.bounced || 0);
  const rate = s.bounce_rate;
  if (rate === null || rate === undefined || rate < WARNING) return null;
  const critical = rate >= CRITICAL;
  const pct = (rate * 100).toFixed(1) + " %";
  return h(
    "section",
    { class: "alert " + (critical ? "alert-critical" : "alert-warning"), id: "bounce-warning", role: "alert" },
    h("h2", {}, (critical ? "Critical" : "Warning") + `: bounce rate ${pct} over the last ${WINDOW_DAYS} days`),
    h(
      "p",
      {},
      `${fmtNum(t.bounced)} of ${fmtNum(attempted)} recipients bounced (hard bounces among the recipients whose delivery ended, delivered or bounced). `,
      critical
        ? "Above 10 %, a provider such as Amazon SES may pause an account's sending: stop and clean the lists before sending more."
        : "From 5 %, a provider such as Amazon SES puts an account under review: find and remove the addresses that bounce.",
      " ",
      h("a", { href: SES, rel: "noopener noreferrer" }, "Amazon SES's levels"),
    ),
    s.top_bounce_reasons?.length
      ? [
          h("p", {}, "What the bounces say, most frequent first:"),
          h(
            "ol",
            { id: "bounce-reasons" },
            s.top_bounce_reasons.map((x) =>
              h("li", {}, h("a", { href: "#/messages" + query({ status: "bounced", reason: x.reason === "unclassified" ? "" : x.reason }) }, x.reason), ": ", fmtNum(x.count)),
            ),
          ),
        ]
      : null,
  );
}

function topTable(title, rows, label, cell) {
  return h(
    "section",
    {},
    h("h2", {}, title),
    rows?.length ? table([[label, cell], ["Attempts", (r) => fmtNum(r.count), "num"]], rows) : h("p", { class: "muted" }, "Nothing yet."),
  );
}

const RANGES = {
  day: { label: "Last 24 hours, by hour", hours: 24, bucket: "hour" },
  week: { label: "Last 7 days, by day", hours: 24 * 7, bucket: "day" },
  month: { label: "Last 30 days, by day", hours: 24 * 30, bucket: "day" },
};

export async function overview(params) {
  const range = RANGES[params?.get("range")] ? params.get("range") : "week";
  const picker = h(
    "select",
    { id: "range", name: "range", onchange: (ev) => (location.hash = "#/overview?range=" + ev.target.value) },
    Object.entries(RANGES).map(([k, r]) => h("option", { value: k, selected: k === range }, r.label)),
  );
  const cards = h(
    "div",
    { class: "cards" },
    card("Quota", "…", null, "quota"),
    card("Bounce rate", "…", null, "bounce-rate"),
    card("Deferred attempts", "…", null, "deferred"),
  );
  const chartBox = h("figure", { class: "chart", id: "chart", "aria-busy": "true" }, h("p", { class: "muted" }, "Loading the chart…"));
  const tops = h("div", { id: "tops", class: "cards" });

  const r = RANGES[range];
  const now = Date.now();
  // The end is the next whole hour, so the current bucket is complete and the URL stays stable.
  const to = new Date(Math.ceil(now / 3600000) * 3600000);
  const from = new Date(to.getTime() - r.hours * 3600000);
  const statsPath = "/stats" + query({ from: from.toISOString(), to: to.toISOString(), bucket: r.bucket });
  const recent = "/stats" + query({ from: new Date(now - WINDOW_DAYS * 86400000).toISOString(), to: new Date(now).toISOString() });
  const here = location.hash;
  const pending = Promise.allSettled([get("/account"), get(statsPath)]);
  // the warning is known before the page is drawn, so that it never pushes the page down
  const last7 = await get(recent).catch(() => null);
  if (location.hash !== here) return; // another page was asked for meanwhile
  const w = last7 && bounceWarning(last7);
  render(
    h("h1", {}, "Deliverability overview"),
    w,
    cards,
    h("h2", {}, "Over time"),
    h("form", { class: "inline", onsubmit: (ev) => ev.preventDefault() }, h("label", { for: "range" }, "Period", picker)),
    chartBox,
    tops,
  );
  const [account, stats] = await pending;
  if (account.status === "fulfilled") cards.children[0].replaceWith(quotaCard(account.value));
  else cards.children[0].replaceWith(h("div", { class: "card" }, errorBox(account.reason)));
  chartBox.removeAttribute("aria-busy");
  if (stats.status === "rejected") {
    const e = stats.reason;
    const missing = e instanceof ApiError && e.status === 404;
    const msg = missing ? "This Petrel has no statistics endpoint (/api/v1/stats); the chart and top lists need it." : e.message;
    cards.children[1].replaceWith(card("Bounce rate", "—", missing ? "needs /api/v1/stats" : null, "bounce-rate"));
    cards.children[2].replaceWith(card("Deferred attempts", "—", null, "deferred"));
    chartBox.replaceChildren(missing ? notice(msg) : errorBox(e));
    return;
  }
  const s = stats.value;
  const rate = s.bounce_rate;
  const t = s.totals || {};
  cards.children[1].replaceWith(
    card(
      "Bounce rate",
      rate === null || rate === undefined ? "—" : (rate * 100).toFixed(1) + " %",
      `${fmtNum(t.bounced)} bounced of ${fmtNum((t.delivered || 0) + (t.bounced || 0))} recipients delivered or bounced`,
      "bounce-rate",
    ),
  );
  cards.children[2].replaceWith(
    card("Deferred attempts", fmtNum(t.deferred), "temporary failures (4xx or no answer); each retry counts", "deferred"),
  );
  chart(chartBox, s.buckets || []);
  tops.replaceChildren(
    topTable("Top reasons", s.top_reasons, "Reason", (x) => h("a", { href: "#/messages?reason=" + encodeURIComponent(x.reason) }, x.reason)),
    topTable("Top codes", s.top_codes, "Code", (x) => [codeLink(x.code) ?? "no reply", " ", codeLink(x.enhanced)]),
    h(
      "section",
      {},
      h("h2", {}, "Top failing domains"),
      s.top_domains?.length
        ? table(
            [
              ["Domain", (x) => h("a", { href: "#/messages?domain=" + encodeURIComponent(x.domain) }, x.domain)],
              ["Bounced", (x) => fmtNum(x.bounced), "num"],
              ["Recipients", (x) => fmtNum(x.recipients), "num"],
            ],
            [...s.top_domains].sort((a, b) => b.bounced - a.bounced),
          )
        : h("p", { class: "muted" }, "Nothing yet."),
    ),
  );
}
