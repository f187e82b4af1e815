// The operator's actions on one client (docs/API.md: PUT/DELETE .../override, POST .../reset), each
// behind a confirmation. The server's answer is the client's new detail, which the view shows at once.
import { api, clientPath } from "./api.js";
import { confirmAction, el } from "./dom.js";

// Each method's parameters (docs/API.md, Policies); left blank, the server's defaults apply.
const methods = {
  none: [], rounding: ["decimals"], top_k: ["k"], label_only: [], gaussian_noise: ["scale", "seed"],
  reverse_sigmoid: ["beta", "gamma"], mad: ["epsilon", "norm", "argmax"], block: [],
};

export function actionsPanel(name, levels, shown) {
  const current = el("p", { id: "override-current" });
  const status = el("p", { id: "action-status", role: "status", class: "muted" });
  const levelSelect = el("select", { id: "pin-level", "aria-label": "Level to pin" },
    levels.map((l) => el("option", { value: String(l.level), text: `${l.level} ${l.levelName}` })));
  const methodSelect = el("select", { id: "pin-method", "aria-label": "Policy" },
    Object.keys(methods).map((m) => el("option", { value: m, text: m })));
  const parameters = el("span", { id: "pin-parameters" });
  const showParameters = () => parameters.replaceChildren(...methods[methodSelect.value].map((p) =>
    el("label", { class: "inline" }, `${p} `, el("input", { name: p, id: `policy-${p}`, size: "6", placeholder: "default" }))));
  methodSelect.addEventListener("change", showParameters);
  showParameters();

  async function act(question, request) {
    if (!(await confirmAction(question))) {
      status.textContent = "Cancelled.";
      return;
    }
    try {
      shown(await api(clientPath(name) + request.path, { method: request.method, body: request.body }));
      status.textContent = "Done.";
    } catch (failure) {
      status.textContent = failure.message;
    }
  }

  const button = (id, text, handler, danger) => el("button", { type: "button", id, class: danger ? "danger" : "", text, onclick: handler });
  const element = el("section", { class: "card", id: "actions" },
    el("h2", { text: "Override" }), current,
    el("div", { class: "toolbar" }, levelSelect,
      button("action-pin-level", "Pin level", () => act(`Pin ${name} to level ${levelSelect.selectedOptions[0].text}?`,
        { method: "PUT", path: "/override", body: { level: Number(levelSelect.value) } }))),
    el("div", { class: "toolbar" }, methodSelect, parameters,
      button("action-pin-policy", "Pin policy", () => act(`Answer ${name} with ${methodSelect.value} whatever its level?`,
        { method: "PUT", path: "/override", body: { policy: policyFromForm(methodSelect.value, parameters) } }))),
    el("div", { class: "toolbar" },
      button("action-exempt", "Exempt", () => act(`Exempt ${name}: answer it cleanly while it is still watched?`, { method: "PUT", path: "/override", body: { exempt: true } })),
      button("action-block", "Block", () => act(`Block ${name}: refuse all its predictions?`, { method: "PUT", path: "/override", body: { block: true } }), true),
      button("action-clear", "Clear override", () => act(`Clear ${name}'s override?`, { method: "DELETE", path: "/override" })),
      button("action-reset", "Reset", () => act(`Reset ${name}: forget its counts, detectors, suspicion and level?`, { method: "POST", path: "/reset" }), true)),
    status);

  return { element, show: (override) => { current.textContent = describe(override); } };
}

function policyFromForm(method, parameters) {
  const policy = { method };
  for (const input of parameters.querySelectorAll("input")) {
    const text = input.value.trim();
    if (text === "") continue;
    if (input.name === "norm") policy.norm = text;
    else if (input.name === "argmax") policy.argmax = text === "true";
    else policy[input.name] = Number(text);
  }
  return policy;
}

function describe(override) {
  if (!override) return "No override: the ladder decides.";
  if (override.block) return "Blocked: predictions are refused.";
  if (override.exempt) return "Exempt: answered cleanly, still watched.";
  if (override.policy) {
    const parameters = Object.entries(override.policy).filter(([k, v]) => k !== "method" && v !== null).map(([k, v]) => `${k} ${v}`);
    return `Pinned policy: ${override.policy.method}${parameters.length ? ` (${parameters.join(", ")})` : ""}.`;
  }
  return `Pinned to level ${override.level}.`;
}
