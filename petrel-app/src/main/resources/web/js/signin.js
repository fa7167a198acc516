// Sign in: the API key is checked against /api/v1/account and kept in this tab's sessionStorage.
import { call, setKey } from "./api.js";
import { h, render, errorBox } from "./ui.js";

export function signIn() {
  const input = h("input", { id: "key", name: "key", type: "password", autocomplete: "off", required: true, spellcheck: "false" });
  const out = h("div", { "aria-live": "polite" });
  const why = sessionStorage.getItem("petrel.signedOut");
  if (why) {
    sessionStorage.removeItem("petrel.signedOut");
    out.append(errorBox(new Error("You were signed out: " + why)));
  }
  const button = h("button", { type: "submit" }, "Sign in");
  const form = h(
    "form",
    {
      onsubmit: async (ev) => {
        ev.preventDefault();
        button.disabled = true;
        out.replaceChildren();
        try {
          await call("GET", "/account", undefined, input.value.trim());
          setKey(input.value.trim());
          location.hash = "#/overview";
        } catch (e) {
          out.replaceChildren(errorBox(e));
          input.focus();
        } finally {
          button.disabled = false;
        }
      },
    },
    h("label", { for: "key" }, "API key", input),
    h(
      "p",
      { class: "muted", id: "key-hint" },
      "A key starts with ",
      h("code", {}, "pk_"),
      ". ",
      h("code", {}, "petrel keys create ACCOUNT"),
      " makes one; it is kept only in this browser tab.",
    ),
    button,
  );
  render(h("section", { class: "signin" }, h("h1", {}, "Sign in to Petrel"), form, out));
}
