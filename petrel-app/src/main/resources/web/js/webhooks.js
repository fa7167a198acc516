// Webhooks: the account's endpoints (add, remove, send a test event) and each one's delivery log,
// newest try first.
import { get, post, del, ApiError } from "./api.js";
import { h, render, errorBox, notice, fmtTime, table, busy } from "./ui.js";

function stateClass(s) {
  return s === "delivered" ? "ok" : s === "failed" ? "bad" : "warn";
}

/** A button that sends a signed test event to the webhook now and says how its target answered. */
function testButton(w, out) {
  const b = h("button", { type: "button", class: "secondary", "aria-label": "Send a test event to " + w.url }, "Send test event");
  b.addEventListener("click", () =>
    busy(b, out, async () => {
      const r = await post("/webhooks/" + encodeURIComponent(w.id) + "/test");
      out.replaceChildren(
        h(
          "p",
          { class: r.delivered ? "notice" : "error", role: r.delivered ? "status" : "alert", id: "test-result" },
          `Test event ${r.event_id} to ${w.url}: `,
          r.delivered ? `delivered, the target answered HTTP ${r.status}` : `not delivered (${r.error})`,
          ` in ${r.duration_ms} ms.`,
        ),
      );
    }),
  );
  return b;
}

async function log(id) {
  const body = h("div", { "aria-busy": "true" }, h("p", { class: "muted" }, "Loading the delivery log…"));
  const out = h("div", { "aria-live": "polite", id: "hook-out" });
  render(h("h1", {}, "Webhook ", h("span", { class: "mono" }, id)), h("p", {}, h("a", { href: "#/webhooks" }, "← All webhooks")), body, out);
  try {
    const [w, tries] = await Promise.all([get("/webhooks/" + encodeURIComponent(id)), get("/webhooks/" + encodeURIComponent(id) + "/deliveries")]);
    body.replaceChildren(
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "URL"), h("dd", {}, h("code", {}, w.url)),
        h("dt", {}, "Events"), h("dd", {}, w.events ? w.events.join(", ") : "all"),
        h("dt", {}, "Final states only"), h("dd", {}, w.final_only ? "yes" : "no"),
        h("dt", {}, "Created"), h("dd", {}, fmtTime(w.created)),
      ),
      h("div", { class: "actions" }, testButton(w, out)),
      h("h2", {}, "Delivery log"),
      tries.data.length
        ? table(
            [
              ["At", (d) => fmtTime(d.at)],
              ["Event", (d) => [d.event_type, " ", h("span", { class: "muted mono" }, d.event_id)]],
              ["Try", (d) => d.attempt, "num"],
              ["Answer", (d) => (d.status === null ? d.error : "HTTP " + d.status)],
              ["Time", (d) => (d.duration_ms === null || d.duration_ms === undefined ? "—" : d.duration_ms + " ms"), "num"],
              ["State", (d) => h("span", { class: stateClass(d.state) }, d.state)],
              ["Next try", (d) => fmtTime(d.next_attempt)],
            ],
            tries.data,
          )
        : notice("No event has been sent to this webhook yet."),
    );
  } catch (e) {
    body.replaceChildren(errorBox(e));
  }
  body.removeAttribute("aria-busy");
}

export async function webhooks(id) {
  if (id) return log(id);
  const body = h("div", { "aria-busy": "true" }, h("p", { class: "muted" }, "Loading webhooks…"));
  const out = h("div", { "aria-live": "polite", id: "hook-out" });
  const addButton = h("button", { type: "submit" }, "Add webhook");
  const form = h(
    "form",
    {
      class: "inline",
      onsubmit: (ev) => {
        ev.preventDefault();
        const f = ev.target;
        busy(addButton, out, async () => {
          const w = await post("/webhooks", { url: f.url.value.trim(), final_only: f.final_only.checked });
          await webhooks();
          document
            .getElementById("hook-out")
            ?.replaceChildren(h("p", { class: "notice", role: "status" }, "Added. Its signing secret, shown only this once: ", h("code", {}, w.secret)));
        });
      },
    },
    h("label", { for: "w-url" }, "URL", h("input", { id: "w-url", name: "url", type: "url", required: true, placeholder: "https://app.example.com/petrel-events" })),
    h("label", { for: "w-final" }, "Final states only", h("input", { id: "w-final", name: "final_only", type: "checkbox" })),
    addButton,
  );
  render(h("h1", {}, "Webhooks"), body, h("h2", {}, "Add a webhook"), form, out);
  let page;
  try {
    page = await get("/webhooks");
  } catch (e) {
    body.removeAttribute("aria-busy");
    body.replaceChildren(
      e instanceof ApiError && e.status === 404 ? notice("This Petrel has no webhooks endpoint (/api/v1/webhooks).") : errorBox(e),
    );
    return;
  }
  body.removeAttribute("aria-busy");
  const hooks = page.data || [];
  if (!hooks.length) {
    body.replaceChildren(notice("No webhook is registered."));
    return;
  }
  const remove = (w) => {
    const b = h("button", { type: "button", class: "secondary", "aria-label": "Remove " + w.url }, "Remove");
    b.addEventListener("click", () =>
      busy(b, out, async () => {
        await del("/webhooks/" + encodeURIComponent(w.id));
        await webhooks();
        document.getElementById("hook-out")?.replaceChildren(notice(w.url + " was removed."));
      }),
    );
    return b;
  };
  body.replaceChildren(
    table(
      [
        ["URL", (w) => h("a", { href: "#/webhooks/" + encodeURIComponent(w.id) }, w.url)],
        ["Events", (w) => (w.events ? w.events.join(", ") : "all")],
        ["Final only", (w) => (w.final_only ? "yes" : "no")],
        ["Created", (w) => fmtTime(w.created)],
        ["", (w) => h("div", { class: "actions" }, testButton(w, out), remove(w))],
      ],
      hooks,
    ),
  );
}
