// Suppressions: the account's list (searchable), with the reply that caused each, add and remove.
import { get, post, del, query } from "./api.js";
import { h, render, errorBox, notice, fmtTime, linkCodes, table, busy } from "./ui.js";

export async function suppressions(params) {
  const q = params.get("q") || "";
  const search = h(
    "form",
    {
      class: "filters",
      role: "search",
      onsubmit: (ev) => {
        ev.preventDefault();
        location.hash = "#/suppressions" + query({ q: ev.target.q.value.trim() });
      },
    },
    h("label", { for: "s-q" }, "Address contains", h("input", { id: "s-q", name: "q", type: "search", value: q })),
    h("button", { type: "submit" }, "Search"),
  );
  const out = h("div", { "aria-live": "polite" });
  const addButton = h("button", { type: "submit" }, "Suppress");
  const add = h(
    "form",
    {
      class: "inline",
      onsubmit: (ev) => {
        ev.preventDefault();
        const f = ev.target;
        busy(addButton, out, async () => {
          const address = f.address.value.trim();
          const reason = f.reason.value.trim();
          await post("/suppressions", reason ? { address, reason } : { address });
          await suppressions(params);
          document.getElementById("supp-out")?.replaceChildren(notice(address + " is suppressed."));
        });
      },
    },
    h("label", { for: "s-address" }, "Address", h("input", { id: "s-address", name: "address", type: "email", required: true })),
    h(
      "label",
      { for: "s-reason" },
      "Reason (one lower-case word)",
      h("input", { id: "s-reason", name: "reason", list: "s-reasons", placeholder: "manual", pattern: "[a-z][a-z0-9_\\-]{0,31}", maxlength: 32 }),
    ),
    h("datalist", { id: "s-reasons" }, ["manual", "complaint", "unsubscribed"].map((r) => h("option", { value: r }))),
    addButton,
  );
  out.id = "supp-out";
  const list = h("div", { "aria-busy": "true", class: "table-wrap" }, h("p", { class: "muted" }, "Loading the list…"));
  render(h("h1", {}, "Suppressions"), search, list, h("h2", {}, "Add an address"), add, out);

  let page;
  try {
    page = await get("/suppressions" + query({ q, limit: 500 }));
  } catch (e) {
    list.replaceChildren(errorBox(e));
    list.removeAttribute("aria-busy");
    return;
  }
  list.removeAttribute("aria-busy");
  if (!page.data.length) {
    list.replaceChildren(notice(q ? "No suppressed address contains '" + q + "'." : "No address is suppressed."));
    return;
  }
  const remove = (s) => {
    const b = h("button", { type: "button", class: "secondary", "aria-label": "Remove " + s.address }, "Remove");
    b.addEventListener("click", () =>
      busy(b, out, async () => {
        await del("/suppressions/" + encodeURIComponent(s.address));
        await suppressions(params);
        document.getElementById("supp-out")?.replaceChildren(notice(s.address + " was removed from the list."));
      }),
    );
    return b;
  };
  list.replaceChildren(
    table(
      [
        ["Address", (s) => h("a", { href: "#/messages" + query({ recipient: s.address }) }, s.address)],
        ["Reason", (s) => s.reason],
        ["Reply or source that caused it", (s) => h("span", { class: "reply" }, linkCodes(s.source))],
        ["Since", (s) => fmtTime(s.created)],
        ["", remove],
      ],
      page.data,
      page.data.length + " suppressed address(es)",
    ),
  );
}
