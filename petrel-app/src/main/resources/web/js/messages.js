// Messages: the API's search with its filters, one server-side page at a time (the `next` cursor).
// The page shown asks again every few seconds, so new messages and new states appear by themselves.
import { get, query } from "./api.js";
import { h, render, errorBox, fmtTime, fmtBytes, stateBadge, table, poll, REFRESH_MS } from "./ui.js";

const STATES = ["", "queued", "deferred", "delivered", "bounced", "expired", "suppressed", "cancelled"];
const SIZES = ["10", "25", "50", "100"];

function toIso(local) {
  if (!local) return "";
  const d = new Date(local);
  return isNaN(d) ? "" : d.toISOString();
}

function toLocal(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (isNaN(d)) return "";
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export async function messages(params) {
  const f = Object.fromEntries(["subject", "message_id", "tag", "status", "reason", "recipient", "domain", "since", "until", "limit", "next"].map((k) => [k, params.get(k) || ""]));
  const field = (name, label, attrs) =>
    h("label", { for: "f-" + name }, label, h("input", { id: "f-" + name, name, value: f[name], ...attrs }));
  const status = h(
    "select",
    { id: "f-status", name: "status" },
    STATES.map((s) => h("option", { value: s, selected: s === f.status }, s || "any")),
  );
  const limit = h(
    "select",
    { id: "f-limit", name: "limit" },
    (SIZES.includes(f.limit) || !f.limit ? SIZES : [f.limit, ...SIZES]).map((n) => h("option", { value: n, selected: n === (f.limit || "25") }, n)),
  );
  const since = h("input", { id: "f-since", name: "since", type: "datetime-local", value: toLocal(f.since) });
  const until = h("input", { id: "f-until", name: "until", type: "datetime-local", value: toLocal(f.until) });
  const form = h(
    "form",
    {
      class: "filters",
      role: "search",
      onsubmit: (ev) => {
        ev.preventDefault();
        const d = new FormData(form);
        location.hash =
          "#/messages" +
          query({
            subject: d.get("subject").trim(),
            message_id: d.get("message_id").trim(),
            tag: d.get("tag").trim(),
            status: d.get("status"),
            reason: d.get("reason").trim(),
            recipient: d.get("recipient").trim(),
            domain: d.get("domain").trim(),
            since: toIso(d.get("since")),
            until: toIso(d.get("until")),
            limit: d.get("limit") === "25" ? "" : d.get("limit"),
          });
      },
    },
    field("subject", "Subject contains", { type: "search", placeholder: "invoice" }),
    field("message_id", "Message-ID", { type: "search", placeholder: "<abc@example.com>" }),
    field("tag", "Tag", { type: "search", placeholder: "welcome" }),
    h("label", { for: "f-status" }, "Status", status),
    // the rarer filters fold away (open when one of them is in use), so a phone sees the list
    h(
      "details",
      { class: "more-filters", open: ["reason", "recipient", "domain", "since", "until", "limit"].some((k) => f[k]) },
      h("summary", {}, "More filters"),
      h(
        "div",
        { class: "filters" },
        field("reason", "Reason", { placeholder: "userunknown" }),
        field("recipient", "Recipient", { type: "search", placeholder: "bob@example.org" }),
        field("domain", "Domain", { placeholder: "example.org" }),
        h("label", { for: "f-since" }, "Since", since),
        h("label", { for: "f-until" }, "Until", until),
        h("label", { for: "f-limit" }, "Per page", limit),
      ),
    ),
    h("button", { type: "submit" }, "Search"),
  );
  const results = h("div", { "aria-busy": "true", class: "results", id: "results" }, h("p", { class: "muted" }, "Loading messages…"));
  render(h("h1", {}, "Messages"), form, results);

  let shown = null;
  const load = async () => {
    const page = await get("/messages" + query({ ...f, limit: f.limit || 25 }));
    const now = JSON.stringify(page);
    if (now === shown) return;
    shown = now;
    const nav = h("nav", { class: "pager", "aria-label": "Pages" });
    if (f.next) nav.append(h("a", { href: "#/messages" + query({ ...f, next: "" }) }, "First page"));
    if (page.next) nav.append(h("a", { href: "#/messages" + query({ ...f, next: page.next }), rel: "next" }, "Older messages"));
    results.replaceChildren(
      page.data.length === 0
        ? h("p", { class: "notice" }, f.next ? "No more messages." : "No message matches these filters.")
        : table(
            [
              ["Created", (m) => fmtTime(m.created)],
              ["Message", (m) => h("a", { href: "#/messages/" + m.id, class: "mono" }, m.id)],
              [
                "Subject",
                (m) => [
                  m.subject ? m.subject : h("span", { class: "muted" }, "(no subject)"),
                  m.tags?.length ? h("ul", { class: "plain tags" }, m.tags.map((t) => h("li", {}, h("a", { href: "#/messages" + query({ tag: t }), class: "tag" }, t)))) : null,
                ],
                "subject",
              ],
              ["From", (m) => m.from || "<>", "address"],
              ["Recipients", (m) => h("ul", { class: "plain" }, m.recipients.map((r) => h("li", {}, h("span", { class: "address" }, r.address), " ", stateBadge(r.state)))), "recipients"],
              ["Size", (m) => fmtBytes(m.size), "num size"],
            ],
            page.data,
          ),
      nav,
    );
  };
  try {
    await load();
  } catch (e) {
    results.replaceChildren(errorBox(e));
  }
  results.removeAttribute("aria-busy");
  poll(REFRESH_MS, async () => {
    try {
      await load();
    } catch (e) {
      shown = null;
      results.replaceChildren(errorBox(e));
    }
  });
}
