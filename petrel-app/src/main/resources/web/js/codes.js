// Reference: a page per SMTP reply code and per enhanced status code, each with the status
// engine's explanation (through /api/v1/explain), and a box that explains any reply.
import { get, query, key } from "./api.js";
import { h, render, errorBox, codeLink, linkCodes, who } from "./ui.js";

// The reply codes of RFC 5321 §4.2.3 and the enhanced codes of RFC 3463 / the IANA registry:
// only the numbers are listed here, every word shown about them comes from the engine.
const BASIC = [211, 214, 220, 221, 235, 250, 251, 252, 334, 354, 421, 432, 450, 451, 452, 454, 455, 500, 501, 502, 503, 504, 521, 530, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556];
const ENHANCED = {
  0: [0], 1: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 2: [0, 1, 2, 3, 4], 3: [0, 1, 2, 3, 4, 5, 6],
  4: [0, 1, 2, 3, 4, 5, 6, 7], 5: [0, 1, 2, 3, 4, 5, 6], 6: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  7: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30],
};

function explainBox(initial) {
  const out = h("div", { "aria-live": "polite", id: "explain-out" });
  const input = h("textarea", { id: "reply", name: "reply", rows: 3, cols: 60, required: true }, initial || "");
  const form = h(
    "form",
    {
      class: "explain",
      onsubmit: async (ev) => {
        ev.preventDefault();
        out.replaceChildren(h("p", { class: "muted" }, "Asking the engine…"));
        try {
          out.replaceChildren(explanation(await get("/explain" + query({ reply: input.value.trim() }))));
        } catch (e) {
          out.replaceChildren(errorBox(e));
        }
      },
    },
    h("label", { for: "reply" }, "A reply as a server sent it, or a line from a log or a bounce", input),
    h("p", {}, h("button", { type: "submit" }, "Explain")),
  );
  return [h("h2", {}, "Explain a reply"), key() ? [form, out] : h("p", { class: "muted" }, h("a", { href: "#/signin" }, "Sign in"), " to ask the engine.")];
}

/** The engine's answer, every field as the API returned it. */
export function explanation(e) {
  const row = (k, v) => (v === null || v === undefined || v === "" ? null : [h("dt", {}, k), h("dd", {}, v)]);
  return h(
    "dl",
    { class: "facts explanation" },
    // a bare code comes back as its own text: show it once
    row("Reply", h("span", { class: "reply" }, codeLink(e.code), " ", codeLink(e.enhanced), " ", e.text === e.enhanced || e.text === String(e.code) ? "" : e.text || "")),
    row("Code", e.code_title),
    row("Class", e.class_meaning),
    row("Subject", e.subject_meaning),
    row("Enhanced code", e.enhanced_title),
    row("Enhanced subject", e.enhanced_subject),
    row("Meaning", e.meaning),
    row("Solution", e.solution),
    row("Bounce", e.bounce),
    row("Reason", e.reason),
    row("Action", e.action),
    row("Who must act", who(e.who)),
    row("Retry after", e.retry_after_seconds ? e.retry_after_seconds + " s" : null),
    row("Matched", e.matched ? [e.matched, e.matched_source ? " (" + e.matched_source + ")" : ""] : null),
  );
}

const titles = new Map(); // code → the engine's explanation of it, kept for this tab

/** Asks the engine for each code's title, a few at a time, and writes each into its list item. */
async function fillTitles(items) {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const [code, field, span] = item;
      if (!span.isConnected) return; // another page is shown: ask nothing more
      if (!titles.has(code)) {
        try {
          titles.set(code, await get("/explain" + query({ reply: code })));
        } catch {
          titles.set(code, {});
        }
      }
      const t = titles.get(code)[field];
      span.textContent = t ? " " + t : "";
    }
  };
  await Promise.all([1, 2, 3, 4, 5, 6].map(worker));
}

export function codes() {
  const items = [];
  const title = (code, field) => {
    const span = h("span", { class: "title" });
    items.push([String(code), field, span]);
    return span;
  };
  const basic = BASIC.map((c) => h("li", { "data-code": c }, codeLink(c), title(c, "code_title")));
  const enhanced = Object.entries(ENHANCED).map(([subject, details]) =>
    h(
      "li",
      {},
      h("h3", {}, `X.${subject}.x`, title(`5.${subject}.0`, "enhanced_subject")),
      h(
        "ul",
        { class: "code-list" },
        details.map((d) => h("li", { "data-code": `5.${subject}.${d}` }, codeLink(`5.${subject}.${d}`), " · ", codeLink(`4.${subject}.${d}`), title(`5.${subject}.${d}`, "enhanced_title"))),
      ),
    ),
  );
  render(
    h("h1", {}, "Reply codes"),
    explainBox(""),
    h("h2", {}, "Reply codes (RFC 5321)"),
    key() ? null : h("p", { class: "muted" }, h("a", { href: "#/signin" }, "Sign in"), " to see each code's title from the engine."),
    h("ul", { class: "code-list", id: "basic-codes" }, basic),
    h("h2", {}, "Enhanced status codes (RFC 3463)"),
    h("ul", { class: "code-list plain", id: "enhanced-codes" }, enhanced),
  );
  if (key()) {
    const lists = document.querySelectorAll("#basic-codes, #enhanced-codes");
    lists.forEach((l) => l.setAttribute("aria-busy", "true"));
    fillTitles(items).finally(() => lists.forEach((l) => l.removeAttribute("aria-busy")));
  }
}

export async function code(c) {
  const valid = /^[245]\d\d$/.test(c) || /^[245]\.\d{1,3}\.\d{1,3}$/.test(c);
  const body = h("div", { "aria-busy": "true", class: "code-page" }, h("p", { class: "muted" }, "Asking the engine…"));
  render(h("h1", {}, (c.includes(".") ? "Enhanced status code " : "Reply code ") + c), h("p", {}, h("a", { href: "#/codes" }, "← All codes")), body, explainBox(""));
  if (!valid) {
    body.replaceChildren(errorBox(new Error("'" + c + "' is not a reply code (three digits) or an enhanced code (class.subject.detail)")));
    return;
  }
  if (!key()) {
    body.replaceChildren(h("p", {}, h("a", { href: "#/signin" }, "Sign in"), " to read the engine's explanation."));
    return;
  }
  try {
    const e = await get("/explain" + query({ reply: c }));
    body.replaceChildren(
      explanation(e),
      h("p", {}, e.reason ? h("a", { href: "#/messages?reason=" + encodeURIComponent(e.reason) }, "Messages with the reason " + e.reason) : null),
    );
  } catch (e) {
    body.replaceChildren(errorBox(e));
  }
  body.removeAttribute("aria-busy");
}

export { linkCodes };
