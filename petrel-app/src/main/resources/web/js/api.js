// The dashboard's only data source: the HTTP API, called with the key kept for this browser tab.

const KEY = "petrel.apiKey";

export function key() {
  return sessionStorage.getItem(KEY);
}

export function setKey(k) {
  if (k) sessionStorage.setItem(KEY, k);
  else sessionStorage.removeItem(KEY);
}

/** The problem's detail, followed by each field mistake it lists that the detail does not name. */
function message(status, problem) {
  let text = problem?.detail || problem?.title || `the server answered HTTP ${status}`;
  for (const e of problem?.errors || []) {
    const line = `${e.pointer}: ${e.detail}`;
    if (!text.includes(line)) text += "; " + line;
  }
  return text;
}

/** An API answer that was not 2xx, carrying the problem document's detail when there is one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(message(status, problem));
    this.status = status;
    this.problem = problem;
  }
}

/** Sends one request to /api/v1 + path; rejects with ApiError when the server cannot be reached. */
async function send(method, path, headers, body, overrideKey) {
  const k = overrideKey ?? key();
  if (k) headers.Authorization = "Bearer " + k;
  try {
    return await fetch("/api/v1" + path, { method, headers, body });
  } catch (e) {
    throw new ApiError(0, { detail: "cannot reach the Petrel server (" + e.message + ")" });
  }
}

/** The ApiError of an answer that was not 2xx; a 401 also signs the tab out, saying why. */
async function failure(res, overrideKey) {
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (res.status === 401 && overrideKey === undefined) {
    setKey(null);
    // the sign-in page says why the key stopped working (revoked, or wrong)
    sessionStorage.setItem("petrel.signedOut", json?.detail || "the server refused the key");
    location.hash = "#/signin";
  }
  return new ApiError(res.status, json);
}

/** Calls /api/v1 + path; resolves to the parsed JSON (null for 204), rejects with ApiError. */
export async function call(method, path, body, overrideKey) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await send(method, path, headers, body === undefined ? undefined : JSON.stringify(body), overrideKey);
  if (!res.ok) throw await failure(res, overrideKey);
  if (res.status === 204) return null;
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** GETs /api/v1 + path as a Blob of the answer's exact octets (a stored message), or rejects. */
export async function blob(path, accept) {
  const res = await send("GET", path, { Accept: accept });
  if (!res.ok) throw await failure(res);
  return res.blob();
}

export const get = (path) => call("GET", path);
export const post = (path, body) => call("POST", path, body ?? {});
export const del = (path) => call("DELETE", path);

/** Builds "?a=1&b=2" from the non-empty entries of an object. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  const s = q.toString();
  return s ? "?" + s : "";
}
