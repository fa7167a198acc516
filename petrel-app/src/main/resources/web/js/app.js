// The dashboard's router: the part after "#/" names the page, the rest its arguments and filters.
import { key, setKey } from "./api.js";
import { render, errorBox, h } from "./ui.js";
import { signIn } from "./signin.js";
import { messages } from "./messages.js";
import { message } from "./message.js";
import { overview } from "./overview.js";
import { suppressions } from "./suppressions.js";
import { codes, code } from "./codes.js";
import { domains } from "./domains.js";
import { webhooks } from "./webhooks.js";

const pages = {
  signin: signIn,
  messages: (rest, params) => (rest ? message(rest) : messages(params)),
  overview: (rest, params) => overview(params),
  suppressions: (rest, params) => suppressions(params),
  codes: (rest) => (rest ? code(rest) : codes()),
  domains: (rest) => domains(rest),
  webhooks: (rest) => webhooks(rest),
};

function parse() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, qs] = raw.split("?");
  const [page, ...rest] = path.split("/");
  return { page: page || "messages", rest: rest.map(decodeURIComponent).join("/"), params: new URLSearchParams(qs || "") };
}

async function route() {
  const { page, rest, params } = parse();
  const signedIn = !!key();
  document.getElementById("nav").hidden = !signedIn;
  if (!signedIn && page !== "signin" && page !== "codes") {
    location.hash = "#/signin";
    return;
  }
  for (const a of document.querySelectorAll("nav a")) {
    if (a.getAttribute("href") === "#/" + page) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  const show = pages[page];
  if (!show) {
    render(h("h1", {}, "Not found"), errorBox(new Error("there is no page '" + page + "' in the dashboard")));
    return;
  }
  try {
    await show(rest, params);
  } catch (e) {
    render(h("h1", {}, "Something went wrong"), errorBox(e));
  }
}

document.getElementById("signout").addEventListener("click", () => {
  setKey(null);
  location.hash = "#/signin";
});
window.addEventListener("hashchange", route);
route();
