// Every data call of the page: the operator's key from this tab's session storage, sent as a bearer
// header (never in a URL), and problem+json answers turned into errors that carry the server's detail.
const storageName = "mirage.operatorKey";

export class ApiFailure extends Error {
  constructor(status, title, detail) {
    super(detail || title || `HTTP ${status}`);
    this.status = status;
    this.title = title;
  }
}

export const session = {
  key: () => sessionStorage.getItem(storageName),
  keep: (key) => sessionStorage.setItem(storageName, key),
  forget: () => sessionStorage.removeItem(storageName),
};

/** Calls the API with the kept key (or the one given, to try a key before keeping it). */
export async function api(path, { method = "GET", body, key = session.key() } = {}) {
  const headers = { Accept: "application/json" };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store", credentials: "omit",
  });
  const type = response.headers.get("Content-Type") || "";
  const payload = type.includes("json") ? await response.json() : null;
  if (!response.ok) {
    throw new ApiFailure(response.status, payload?.title, payload?.detail);
  }
  return payload;
}

export const clientPath = (name) => `/v1/admin/clients/${encodeURIComponent(name)}`;
