// Small DOM helpers. Data from the API is only ever set as text (never as HTML), so a client name
// cannot inject markup into the page.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const never = "0001-01-01T00:00:00+00:00";

export function when(iso) {
  if (!iso || iso.startsWith("0001-01-01")) return "never";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" });
}

export function ago(iso) {
  if (!iso || iso.startsWith("0001-01-01")) return "never";
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

export const fixed = (value, digits = 2) => (value ?? 0).toFixed(digits);
export const percent = (value) => `${((value ?? 0) * 100).toFixed(1)} %`;
export const count = (value) => (value ?? 0).toLocaleString("en-US");

/** A level's badge: its rung number sets the colour. */
export const levelBadge = (level, name) => el("span", { class: `level level-${Math.min(level, 4)}`, text: name });

/** Asks before an action; resolves true when the operator confirmed. */
export function confirmAction(text) {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-text").textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.returnValue = "cancel";
    dialog.showModal();
  });
}
