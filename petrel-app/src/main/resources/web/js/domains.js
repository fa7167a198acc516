// Sender domains: their DKIM/SPF/DMARC state and the records to publish (through /api/v1/domains).
import { get, post } from "./api.js";
import { h, render, errorBox, notice, fmtTime, table, busy } from "./ui.js";

function records(rows) {
  return table(
    [
      ["Kind", (r) => r.kind],
      ["Type", (r) => r.type || "TXT"],
      ["Name", (r) => h("code", {}, r.name)],
      ["Value", (r) => h("code", {}, r.value ?? r.expected ?? "")],
      ["Required", (r) => (r.required ? "yes" : "no")],
    ],
    rows,
  );
}

function checkTable(check) {
  return table(
    [
      ["Kind", (r) => r.kind],
      ["Name", (r) => h("code", {}, r.name)],
      ["State", (r) => h("span", { class: r.status === "ok" ? "ok" : "bad" }, r.status)],
      ["Found", (r) => h("code", {}, Array.isArray(r.found) ? r.found.join(" | ") : r.found ?? "—")],
      ["Explanation", (r) => r.explanation ?? ""],
    ],
    check.records || [],
    "Checked " + fmtTime(check.checked),
  );
}

function domainSection(d) {
  const out = h("div", { "aria-live": "polite" });
  const check = h("button", { type: "button" }, "Check DNS now");
  const result = h("div", {}, d.last_check ? checkTable(d.last_check) : h("p", { class: "muted" }, "Not checked yet."));
  check.addEventListener("click", () =>
    busy(check, out, async () => {
      const c = await post("/domains/" + encodeURIComponent(d.domain) + "/check");
      result.replaceChildren(checkTable(c));
      out.replaceChildren(notice(c.verified ? d.domain + " is verified." : d.domain + " is not verified yet."));
    }),
  );
  return h(
    "section",
    { class: "domain" },
    h("h2", {}, d.domain, " ", h("span", { class: d.verified ? "state state-delivered" : "state state-deferred" }, d.verified ? "verified" : "not verified")),
    h("p", { class: "muted" }, "Added " + fmtTime(d.created) + (d.checked_at ? ", last checked " + fmtTime(d.checked_at) : "")),
    h("h3", {}, "Records to publish"),
    records(d.records || []),
    h("h3", {}, "DNS state"),
    result,
    check,
    out,
  );
}

export async function domains() {
  const list = h("div", { "aria-busy": "true" }, h("p", { class: "muted" }, "Loading domains…"));
  const out = h("div", { "aria-live": "polite" });
  const addButton = h("button", { type: "submit" }, "Add domain");
  const form = h(
    "form",
    {
      class: "inline",
      onsubmit: (ev) => {
        ev.preventDefault();
        busy(addButton, out, async () => {
          await post("/domains", { domain: ev.target.domain.value.trim() });
          await domains();
        });
      },
    },
    h("label", { for: "d-domain" }, "Domain", h("input", { id: "d-domain", name: "domain", required: true, placeholder: "mail.example.com" })),
    addButton,
  );
  render(h("h1", {}, "Sender domains"), list, h("h2", {}, "Add a sender domain"), form, out);
  try {
    const page = await get("/domains");
    list.replaceChildren(...(page.data.length ? page.data.map(domainSection) : [notice("No sender domain yet.")]));
  } catch (e) {
    list.replaceChildren(errorBox(e));
  }
  list.removeAttribute("aria-busy");
}
