// Reads a stored message (RFC 5322 with MIME, RFC 2045-2047) into what a person looks at: its
// header fields, its text and HTML parts decoded to text, and its other parts by name, type and
// size. It only reads: nothing here is ever put into the page as HTML.

/** The octets as a string of one character per octet (0-255), so offsets stay octet offsets. */
function octets(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return s;
}

function bytesOf(binary) {
  const b = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) b[i] = binary.charCodeAt(i) & 0xff;
  return b;
}

/** Octets in a charset to text; an unknown charset reads as UTF-8 (replacement characters, no error). */
function decode(binary, charset) {
  let d;
  try {
    d = new TextDecoder((charset || "utf-8").trim().toLowerCase());
  } catch {
    d = new TextDecoder("utf-8");
  }
  return d.decode(bytesOf(binary));
}

function fromBase64(text) {
  const clean = text.replace(/[^A-Za-z0-9+/]/g, "");
  try {
    return atob(clean.slice(0, clean.length - (clean.length % 4)));
  } catch {
    return "";
  }
}

function fromQuotedPrintable(text, underscoreIsSpace) {
  let s = text.replace(/=\r?\n/g, "");
  if (underscoreIsSpace) s = s.replace(/_/g, " ");
  return s.replace(/=([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

/** A header value (raw octets, UTF-8 allowed by RFC 6532) with its RFC 2047 encoded words decoded. */
export function headerText(raw) {
  const text = decode(raw, "utf-8");
  // white space between two encoded words is not part of the text (RFC 2047 §6.2)
  return text
    .replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)/g, "$1")
    .replace(/=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g, (word, charset, enc, data) => {
      const bin = enc.toUpperCase() === "B" ? fromBase64(data) : fromQuotedPrintable(data, true);
      return decode(bin, charset.split("*")[0]);
    });
}

/** The header section and body of an entity, as octet strings. */
function split(entity) {
  const m = /\r?\n\r?\n/.exec(entity);
  if (!m) return [entity, ""];
  return [entity.slice(0, m.index), entity.slice(m.index + m[0].length)];
}

/** Header fields in order, unfolded, as [name, raw value] pairs. */
function fields(head) {
  const out = [];
  for (const line of head.replace(/\r?\n(?=[ \t])/g, "").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) out.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return out;
}

/** A structured value such as `text/plain; charset="utf-8"`: its first token and its parameters. */
function structured(value) {
  const [first, ...rest] = (value || "").split(";");
  const params = {};
  for (const p of rest.join(";").matchAll(/([^=;\s]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]*)/g)) {
    const name = p[1].toLowerCase();
    let v = p[3] !== undefined ? p[3].replace(/\\(.)/g, "$1") : p[2].trim();
    if (name.endsWith("*")) {
      // RFC 2231: charset'language'percent-encoded; kept as UTF-8 octets like every other value
      const m = /^([^']*)'[^']*'(.*)$/.exec(v);
      if (m) {
        const text = decode(m[2].replace(/%([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), m[1]);
        v = octets(new TextEncoder().encode(text));
      }
      params[name.slice(0, -1)] = v;
    } else if (!(name in params)) params[name] = v;
  }
  return { value: first.trim().toLowerCase(), params };
}

function field(list, name) {
  const f = list.find(([n]) => n.toLowerCase() === name);
  return f ? f[1] : null;
}

/** The body parts of a multipart body, split at its boundary lines (RFC 2046 §5.1.1). */
function multipartParts(body, boundary) {
  const parts = [];
  let current = null;
  for (const line of body.split(/\r?\n/)) {
    const t = line.replace(/[ \t]+$/, "");
    if (t === "--" + boundary + "--") {
      if (current) parts.push(current.join("\r\n"));
      current = null;
      break;
    }
    if (t === "--" + boundary) {
      if (current) parts.push(current.join("\r\n"));
      current = [];
    } else if (current) current.push(line);
  }
  if (current) parts.push(current.join("\r\n"));
  return parts;
}

function walk(entity, depth, leaves) {
  const [head, body] = split(entity);
  const list = fields(head);
  const type = structured(field(list, "content-type") || "text/plain");
  if (type.value.startsWith("multipart/") && type.params.boundary && depth < 20) {
    for (const p of multipartParts(body, type.params.boundary)) walk(p, depth + 1, leaves);
    return;
  }
  const cte = (field(list, "content-transfer-encoding") || "").trim().toLowerCase();
  const data = cte === "base64" ? fromBase64(body) : cte === "quoted-printable" ? fromQuotedPrintable(body, false) : body;
  const disposition = structured(field(list, "content-disposition") || "");
  const name = disposition.params.filename || type.params.name;
  const leaf = {
    type: type.value || "text/plain",
    attachment: disposition.value === "attachment" || !!name,
    filename: name ? headerText(name) : null,
    size: data.length,
  };
  if (!leaf.attachment && (leaf.type === "text/plain" || leaf.type === "text/html")) leaf.text = decode(data, type.params.charset);
  leaves.push(leaf);
}

/**
 * Reads a message from its octets (an ArrayBuffer): `headers` is every header field as
 * [name, decoded value], `text` and `html` the first plain and HTML parts that are not attachments
 * (or null), `others` every other part as {type, filename, size}.
 */
export function readMessage(buffer) {
  const all = octets(new Uint8Array(buffer));
  const [head] = split(all);
  const leaves = [];
  walk(all, 0, leaves);
  const text = leaves.find((l) => l.text !== undefined && l.type === "text/plain");
  const html = leaves.find((l) => l.text !== undefined && l.type === "text/html");
  return {
    headers: fields(head).map(([n, v]) => [n, headerText(v)]),
    text: text ? text.text : null,
    html: html ? html.text : null,
    others: leaves.filter((l) => l !== text && l !== html),
  };
}
