// A message: each recipient's timeline of attempts with the exact reply and the engine's
// explanation, the next retry, the queue actions (retry now, hold, release, cancel), and the
// message itself (header fields, text, HTML in a sandbox, a .eml download). While a recipient
// still waits, the summary and timelines refresh by themselves.
import { get, post, blob } from "./api.js";
import { h, render, errorBox, notice, fmtTime, fmtBytes, stateBadge, codeLink, busy, who, table, fill, poll, stopPolling, REFRESH_MS } from "./ui.js";
import { readMessage } from "./mime.js";

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
      // how the certificate was checked, the policy in force (and its source), what failed under it
      fact("Certificate", a.tls ? verifiedText(a.tls_verified) : null),
      fact("TLS policy", a.tls_policy),
      fact("TLS problem", a.tls_problem ? h("span", { class: "tls-problem" }, a.tls_problem) : null),
      fact("Bounce", a.bounce),
      fact("Reason", a.reason ? h("a", { href: "#/messages?reason=" + encodeURIComponent(a.reason) }, a.reason) : null),
      fact("Meaning", e.meaning),
      fact("Solution", e.solution),
      fact("Who must act", who(e.who)),
    ),
  );
}

// What the server's certificate was verified against (null for attempts recorded before Petrel
// kept it).
function verifiedText(v) {
  switch (v) {
    case "mta-sts":
      return "verified (MTA-STS: trusted CA, MX host name)";
    case "dane":
      return "verified (DANE: TLSA records)";
    case "pkix":
      return "verified (trusted CA, MX host name)";
    case "none":
      return "not verified";
    default:
      return null;
  }
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

const WAITING = new Set(["queued", "deferred"]);

let download = null; // the object URL of the last .eml, given back when another message is shown

/** The message's header fields, text part as text, HTML part in a sandbox, and the .eml link. */
async function content(id, box) {
  if (download) URL.revokeObjectURL(download);
  download = null;
  const heading = h("h2", {}, "The message");
  try {
    const eml = await blob("/messages/" + encodeURIComponent(id) + "/raw", "message/rfc822");
    const m = readMessage(await eml.arrayBuffer());
    download = URL.createObjectURL(eml);
    fill(
      box,
      heading,
      h("p", {}, h("a", { href: download, download: id + ".eml", id: "download-eml" }, "Download .eml"), " ", h("span", { class: "muted" }, fmtBytes(eml.size))),
      h(
        "details",
        { open: true, class: "headers" },
        h("summary", {}, `Header fields (${m.headers.length})`),
        h("dl", { class: "facts", id: "header-fields" }, m.headers.map(([n, v]) => [h("dt", {}, n), h("dd", { class: "mono" }, v)])),
      ),
      m.text !== null ? [h("h3", {}, "Text"), h("pre", { class: "body-text", id: "text-part", tabindex: 0 }, m.text.replace(/\r\n/g, "\n"))] : null,
      m.html !== null
        ? [
            h("h3", {}, "HTML"),
            h("p", { class: "muted" }, "Shown in a sandbox: its scripts and forms do not run, and nothing is loaded from other sites."),
            // sandbox with no permissions: no scripts, no forms, no top navigation, an opaque origin;
            // srcdoc is an attribute (text), so the markup never enters this page's own document
            h("iframe", { sandbox: "", srcdoc: m.html, title: "HTML part of the message", class: "html-part", id: "html-part", referrerpolicy: "no-referrer" }),
            h("details", {}, h("summary", {}, "HTML source"), h("pre", { class: "body-text", id: "html-source" }, m.html)),
          ]
        : null,
      m.text === null && m.html === null ? h("p", { class: "muted" }, "No text or HTML part.") : null,
      m.others.length
        ? [
            h("h3", {}, "Other parts"),
            table(
              [
                ["Name", (p) => p.filename || "—"],
                ["Type", (p) => p.type],
                ["Size", (p) => fmtBytes(p.size), "num"],
              ],
              m.others,
            ),
          ]
        : null,
    );
  } catch (e) {
    box.replaceChildren(heading, errorBox(e));
  }
  box.removeAttribute("aria-busy");
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
  const summary = (m) => {
    const subject = m.headers?.Subject || m.headers?.subject;
    return [
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
    ];
  };
  const top = h("div", { id: "message-summary" }, summary(m));
  const recipients = h("div", { id: "recipients" }, m.recipients.map(recipient));
  const raw = h("section", { id: "content", "aria-busy": "true" }, h("h2", {}, "The message"), h("p", { class: "muted" }, "Loading the message…"));
  body.replaceChildren(top, out, recipients, raw);
  content(id, raw);

  // live: while delivery is in progress, ask again every few seconds and redraw what changed
  let shown = JSON.stringify([m.held, m.recipients]);
  const refresh = async () => {
    const fresh = await get("/messages/" + encodeURIComponent(id));
    const now = JSON.stringify([fresh.held, fresh.recipients]);
    if (now !== shown) {
      shown = now;
      top.replaceChildren(...summary(fresh));
      recipients.replaceChildren(...fresh.recipients.map(recipient));
    }
    if (!fresh.recipients.some((r) => WAITING.has(r.state))) stopPolling();
  };
  if (m.recipients.some((r) => WAITING.has(r.state))) poll(REFRESH_MS, refresh);
}
