// A message: each recipient's timeline of attempts with the exact reply and the engine's
// explanation, the next retry, and the queue actions (retry now, hold, release, cancel).
import { get, post } from "./api.js";
import { h, render, errorBox, notice, fmtTime, stateBadge, codeLink, busy, who } from "./ui.js";

function attempt(a) {
  const e = a.explanation || {};
  const fact = (k, v) => (v === null || v === undefined || v === "" ? null : [h("dt", {}, k), h("dd", {}, v)]);
  return h(
    "li",
    { class: "attempt" },
    h("p", {}, h("strong", {}, fmtTime(a.at)), " ", a.phase ? h("span", { class: "muted" }, "at " + a.phase) : null),
    h("p", { class: "reply" }, codeLink(a.code), " ", codeLink(a.enhanced), " ", a.text || ""),
    h(
      "dl",
      { class: "facts" },
      fact("MX", a.mx ? a.mx + (a.ip ? " (" + a.ip + ")" : "") : null),
      // the API gives the protocol and cipher, or null when the connection was not encrypted
      fact("TLS", a.tls ? a.tls : a.mx ? "none (plain text)" : null),
      fact("Bounce", a.bounce),
      fact("Reason", a.reason ? h("a", { href: "#/messages?reason=" + encodeURIComponent(a.reason) }, a.reason) : null),
      fact("Meaning", e.meaning),
      fact("Solution", e.solution),
      fact("Who must act", who(e.who)),
    ),
  );
}

// Why delivery holds a queued recipient back (its destination's limits), and until when.
function waitingText(w) {
  const why = w.reason === "destination-slowed" ? "Waiting: " + w.destination + " asked to slow down" : "Waiting: all connections to " + w.destination + " are in use";
  return why + (w.until ? " until " + fmtTime(w.until) : "") + (w.cause ? " (" + w.cause + ")" : "") + ".";
}

function recipient(r) {
  return h(
    "section",
    { class: "recipient", "aria-label": "Recipient " + r.address },
    h("h2", {}, r.address, " ", stateBadge(r.state)),
    r.next_attempt ? h("p", {}, "Next attempt: ", h("time", { datetime: r.next_attempt }, fmtTime(r.next_attempt))) : null,
    r.waiting ? notice(waitingText(r.waiting)) : null,
    r.possible_duplicate ? notice("The connection broke after the data was sent: the recipient may have it twice.") : null,
    r.attempts.length
      ? h("ol", { class: "timeline", "aria-label": "Attempts for " + r.address }, r.attempts.map(attempt))
      : h("p", { class: "muted" }, "No delivery attempt yet."),
  );
}

export async function message(id) {
  const body = h("div", { "aria-busy": "true" }, h("p", { class: "muted" }, "Loading the message…"));
  render(h("h1", {}, "Message ", h("span", { class: "mono" }, id)), h("p", {}, h("a", { href: "#/messages" }, "← All messages")), body);
  let m;
  try {
    m = await get("/messages/" + encodeURIComponent(id));
  } catch (e) {
    body.replaceChildren(errorBox(e));
    body.removeAttribute("aria-busy");
    return;
  }
  body.removeAttribute("aria-busy");
  const out = h("div", { "aria-live": "polite" });
  const action = (name, label, done) => {
    const b = h("button", { type: "button", class: name === "cancel" ? "secondary" : "" }, label);
    b.addEventListener("click", () =>
      busy(b, out, async () => {
        const res = await post("/messages/" + encodeURIComponent(id) + "/" + name);
        await message(id);
        document.querySelector("#main [aria-live]")?.replaceChildren(notice(done(res)));
      }),
    );
    return b;
  };
  const subject = m.headers?.Subject || m.headers?.subject;
  body.replaceChildren(
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "From"), h("dd", {}, m.from || "<>"),
      subject ? [h("dt", {}, "Subject"), h("dd", {}, subject)] : null,
      h("dt", {}, "Created"), h("dd", {}, fmtTime(m.created)),
      h("dt", {}, "Source"), h("dd", {}, m.source || "—"),
      h("dt", {}, "Held"), h("dd", {}, m.held ? "yes" : "no"),
    ),
    h(
      "div",
      { class: "actions", role: "group", "aria-label": "Queue actions" },
      action("retry", "Retry now", (r) => `${r.recipients_due_now} recipient(s) will be tried now.`),
      m.held ? action("release", "Release", () => "Released: delivery goes on.") : action("hold", "Hold", () => "Held: nothing is delivered until you release it."),
      action("cancel", "Cancel", (r) => `${r.recipients_cancelled} recipient(s) cancelled.`),
    ),
    out,
    ...m.recipients.map(recipient),
  );
}
