// Webhooks and their delivery log, from /api/v1/webhooks when this Petrel has it.
import { get, ApiError } from "./api.js";
import { h, render, errorBox, notice, fmtTime, table } from "./ui.js";

export async function webhooks() {
  const body = h("div", { "aria-busy": "true" }, h("p", { class: "muted" }, "Loading webhooks…"));
  render(h("h1", {}, "Webhooks"), body);
  let page;
  try {
    page = await get("/webhooks");
  } catch (e) {
    body.removeAttribute("aria-busy");
    body.replaceChildren(
      e instanceof ApiError && e.status === 404 ? notice("This Petrel has no webhooks endpoint (/api/v1/webhooks) yet.") : errorBox(e),
    );
    return;
  }
  body.removeAttribute("aria-busy");
  const hooks = page.data || [];
  if (!hooks.length) {
    body.replaceChildren(notice("No webhook is registered. POST /api/v1/webhooks adds one."));
    return;
  }
  body.replaceChildren(
    table(
      [
        ["URL", (w) => h("code", {}, w.url)],
        ["Events", (w) => (w.events || []).join(", ")],
        ["Created", (w) => fmtTime(w.created)],
      ],
      hooks,
    ),
  );
}
