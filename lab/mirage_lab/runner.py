"""Runs the experiment matrix (configurations x attacks x budgets, benign clients, split attacker) and
writes lab/results/results.json. The report (report.py) is generated from that file."""
from __future__ import annotations

import contextlib
import datetime
import json
import pathlib
import subprocess
import time
from dataclasses import dataclass
from typing import Optional

import numpy as np
from tqdm import tqdm

from . import MODELS_DIR, RESULTS_DIR, adversaries, benign, data, defenses, pools
from .attacks import epochs_for, jbda, knockoff, train_surrogate
from .oracle import AdminClient, DetectionProbe, HttpOracle, LocalOracle, load_surrogate, load_victim
from .service import start_service
from .split import SplitOracle
from .infer import accuracy, predict_probs

# Default configurations (issue: none, label_only, reverse sigmoid x2, MAD x2, MAD-argmax x2, adaptive).
# "policy" is what the service pins every client to (and what the offline double applies);
# None = the service's adaptive default policy (no offline double).
DEFAULT_CONFIGS = {
    "none": {"method": "none"},
    "label_only": {"method": "label_only"},
    "rs_b1_g0.1": {"method": "reverse_sigmoid", "beta": 1.0, "gamma": 0.1},
    "rs_b0.5_g0.5": {"method": "reverse_sigmoid", "beta": 0.5, "gamma": 0.5},
    "mad_e0.5": {"method": "mad", "epsilon": 0.5, "norm": "l1", "argmax": False},
    "mad_e1.0": {"method": "mad", "epsilon": 1.0, "norm": "l1", "argmax": False},
    "madargmax_e0.5": {"method": "mad", "epsilon": 0.5, "norm": "l1", "argmax": True},
    "madargmax_e1.0": {"method": "mad", "epsilon": 1.0, "norm": "l1", "argmax": True},
    "adaptive": None,
    # the adaptive default plus the tenant's volume rule for keys that split one attack (off by default)
    "adaptive_tenant_budget": None,
}
# Configurations run only when named in --configs (their service files are written with the defaults').
EXTRA_CONFIGS = {
    # the adaptive ladder with its first level deceiving too: every client's answers keep the clean top
    # class and values, in reverse sigmoid's camouflaged order, from the first query
    "adaptive_deceive_all": None,
}
ALL_CONFIGS = {**DEFAULT_CONFIGS, **EXTRA_CONFIGS}

_RS = {"Method": "reverse_sigmoid", "Beta": 0.5, "Gamma": 0.5}

# Service settings beyond the tenant's ladder, per configuration (merged into the "Mirage" section).
# 8,000 young-key queries within 10 minutes: above the lab tenant's benign burst (10 clients x 500),
# below one attack of 10,000 queries spread over 10 keys.
SERVICE_SETTINGS = {
    "adaptive_tenant_budget": {"TenantWatch": {"WindowBudget": 8000}},
    # EscalationLadder.Default's levels but the first (src/Defense/Escalation/EscalationLadder.cs)
    "adaptive_deceive_all": {"Escalation": {"Levels": [
        {"Name": "clean", "Threshold": 0, "Policy": _RS},
        {"Name": "watch", "Threshold": 0.4, "Policy": _RS},
        {"Name": "suspect", "Threshold": 0.6, "Policy": {"Method": "mad", "Epsilon": 1.0, "Norm": "l1", "Argmax": True}},
        {"Name": "attack", "Threshold": 0.8, "Policy": {"Method": "mad", "Epsilon": 2.0, "Norm": "l1", "Argmax": False}},
    ]}},
}

ATTACKS = {
    "knockoff_soft": "Knockoff (random), in-distribution pool, soft labels",
    "knockoff_argmax": "Knockoff (random), in-distribution pool, argmax (one-hot) labels",
    "knockoff_ood": "Knockoff (random), out-of-distribution pool (photo crops + digits), soft labels",
    "jbda": "JBDA (Papernot), 100 test-split seeds, lambda 0.1, set doubling per round, argmax labels",
}
# the default set above, plus the issue-14 adversaries (adversaries.py; `--adversaries` runs them all)
ALL_ATTACKS = {**ATTACKS, **adversaries.ADVERSARIES}


@dataclass
class Settings:
    quick: bool
    offline: bool
    budgets: list
    configs: list
    attacks: list
    benign_clients: int
    benign_queries: int
    split_keys: int
    split: bool
    seed: int
    eval_n: int           # stolen models are scored on the first eval_n test images (full: all 10,000)
    lab_config: dict
    out: pathlib.Path


def default_settings(quick: bool) -> dict:
    if quick:
        return dict(budgets=[200, 500], benign_clients=2, benign_queries=64, split_keys=10, eval_n=1000)
    return dict(budgets=[1000, 5000, 10000, 20000], benign_clients=10, benign_queries=500, split_keys=10,
                eval_n=10_000)


class Work:
    """Overall progress in estimated work units (~ sample-epochs of surrogate training), with ETA."""

    def __init__(self, total: float) -> None:
        self.bar = tqdm(total=int(total), desc="lab (all work)", unit="u", position=0,
                        bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining} left]")

    def add(self, units: float) -> None:
        self.bar.update(int(units))

    def close(self) -> None:
        self.bar.close()


def _attack_cost(attack: str, budgets: list, quick: bool, pool_cap: Optional[int]) -> float:
    if attack in adversaries.RUNNERS:
        return adversaries.cost(attack, budgets, quick)
    bs = [b for b in budgets if pool_cap is None or b <= pool_cap]
    train = sum(b * epochs_for(b, quick) for b in bs)
    if attack == "jbda":  # rounds of doubling up to the largest budget
        n, train = 100, 0
        while n < max(budgets) * 2:
            m = min(n, max(budgets))
            train += m * epochs_for(m, quick)
            n *= 2
    return train + max(bs or [0]) * 0.5


class Lab:
    def __init__(self, s: Settings) -> None:
        self.s = s
        self.victim = load_victim()
        self.surrogate = load_surrogate()
        x_test, y_test = pools.split("test")
        self.x_test, self.y_test = x_test[:s.eval_n], y_test[:s.eval_n]
        self.victim_acc = accuracy(self.victim, self.x_test, self.y_test)
        self.pool_in = np.ascontiguousarray(pools.indist()[0])
        n_ood = max(self.s.budgets)
        self.pool_ood = pools.ood(n_ood, seed=s.seed)
        self.seeds = pools.jbda_seeds(100, seed=s.seed)
        clients = s.lab_config.get("clients", [])
        self.clients = clients
        self._next_client = 0

    # ---- client keys (HTTP) -------------------------------------------------------------------
    def _take_client(self) -> dict:
        if not self.clients:
            raise RuntimeError("lab config has no clients (keys); see lab/lab.example.json")
        c = self.clients[self._next_client % len(self.clients)]
        self._next_client += 1
        return c

    def _oracle(self, ctx: dict, role: str):
        """A fresh client: (oracle, probe). Offline: a local oracle with the config's defense double."""
        if self.s.offline:
            return LocalOracle(self.victim, ctx["defense"], name=f"local:{role}"), DetectionProbe(None, role)
        c = self._take_client()
        ctx["admin"].reset(c["client"])
        o = HttpOracle(ctx["url"], c["key"], name=c["client"])
        probe = DetectionProbe(ctx["admin"], c["client"])
        o.after_request = probe
        return o, probe

    def clean_probs(self, x: np.ndarray) -> np.ndarray:
        return predict_probs(self.victim, x)

    # ---- pieces --------------------------------------------------------------------------------
    def _curve(self, ts, budgets, work: Work, labels: str, tag: str) -> list:
        curve = []
        for b in budgets:
            n = min(b, len(ts.x))
            if n < b and ts.blocked_at is None:
                continue  # pool smaller than the budget
            if n == 0:
                curve.append({"budget": b, "queries": 0, "accuracy": 0.1, "note": "blocked before any answer"})
                continue
            ep = epochs_for(n, self.s.quick)
            with tqdm(total=ep, desc=f"  train {tag} n={n}", unit="ep", leave=False, position=1) as bar:
                model, log = train_surrogate(ts.x[:n], ts.y[:n], labels=labels, epochs=ep,
                                             seed=self.s.seed + 17, progress=bar.update)
            acc = accuracy(model, self.x_test, self.y_test)
            curve.append({"budget": b, "queries": int(n), "accuracy": acc, "epochs": ep,
                          "trainSeconds": round(log["seconds"], 1), "truncatedByBlock": n < b})
            work.add(n * ep)
        return curve

    def _answer_cost(self, x: np.ndarray, y: np.ndarray) -> dict:
        u = benign.utility(y, self.clean_probs(x), np.full(len(x), -1))
        u.pop("accuracy", None)
        u.pop("cleanAccuracy", None)
        return u

    def run_attack(self, ctx: dict, attack: str, work: Work) -> dict:
        s = self.s
        if attack in adversaries.RUNNERS:
            res = adversaries.run(self, ctx, attack, work)
            if res.get("curve"):  # heavy users count their own work
                work.add(res["queries"] * 0.5)
            return res
        oracle, probe = self._oracle(ctx, attack)
        t0 = time.time()
        if attack in ("knockoff_soft", "knockoff_argmax"):
            b = min(max(s.budgets), len(self.pool_in))
            ts = knockoff(oracle, self.pool_in, b, seed=s.seed)
            budgets = [x for x in s.budgets if x <= len(self.pool_in)]
        elif attack == "knockoff_ood":
            ts = knockoff(oracle, self.pool_ood, max(s.budgets), seed=s.seed)
            budgets = s.budgets
        elif attack == "jbda":
            with tqdm(desc="  jbda rounds (epochs)", unit="ep", leave=False, position=1) as bar:
                ts = jbda(oracle, self.seeds, max(s.budgets), seed=s.seed, quick=s.quick, progress=bar.update,
                          eval_set=(self.x_test, self.y_test))
        else:
            raise ValueError(attack)
        query_seconds = time.time() - t0
        res = {"description": ATTACKS[attack], "client": oracle.name, "queries": int(oracle.queries),
               "requests": int(oracle.requests), "blockedAt": ts.blocked_at, "flaggedAt": probe.flagged_at,
               "levelTrace": probe.level_trace[-200:], "seconds": round(query_seconds, 1),
               "answerCost": self._answer_cost(ts.x, ts.y)}
        if attack == "jbda":
            res["curve"] = [{"budget": q, "queries": q, "accuracy": a} for q, a in ts.checkpoints]
            work.add(_attack_cost("jbda", s.budgets, s.quick, None))
        else:
            res["curve"] = self._curve(ts, budgets, work, "argmax" if attack == "knockoff_argmax" else "soft", attack)
            work.add(len(ts.x) * 0.5)
        return res

    def run_split(self, ctx: dict, work: Work) -> dict:
        s = self.s
        subs = [self._oracle(ctx, f"split{i}") for i in range(s.split_keys)]
        oracle = SplitOracle([o for o, _ in subs])
        probes = [p for _, p in subs]
        b = min(max(s.budgets), len(self.pool_in))
        ts = knockoff(oracle, self.pool_in, b, seed=s.seed + 1)
        budgets = [x for x in s.budgets if x <= len(self.pool_in)]
        flagged = [p.flagged_at for p in probes]
        res = {"description": f"Knockoff soft labels, in-distribution, spread round-robin over {s.split_keys} keys",
               "keys": s.split_keys, "queries": int(oracle.queries), "blockedAt": ts.blocked_at,
               "keysFlagged": sum(f is not None for f in flagged), "flaggedAtPerKey": flagged,
               "firstFlaggedAtTotalQueries": None,
               "keysBlocked": len(oracle.blocked_keys), "answerCost": self._answer_cost(ts.x, ts.y)}
        # a key's flaggedAt counts that key's own answers; total answered at that moment ~ keys x that
        fl = [f for f in flagged if f is not None]
        if fl:
            res["firstFlaggedAtTotalQueries"] = int(min(fl) * s.split_keys)
        res["curve"] = self._curve(ts, budgets, work, "soft", "split")
        work.add(len(ts.x) * 0.5)
        return res

    def run_benign(self, ctx: dict, work: Work) -> dict:
        s = self.s
        per, allx, ally, alla = [], [], [], []
        for c in tqdm(range(s.benign_clients), desc="  benign clients", leave=False, position=1):
            x, y = benign.stream(c, s.benign_queries, seed=s.seed)
            oracle, probe = self._oracle(ctx, f"benign{c}")
            a, blocked = benign.run_client(oracle, x)
            u = benign.utility(a, self.clean_probs(x[:len(a)]), y[:len(a)])
            u.update({"client": oracle.name, "flaggedAt": probe.flagged_at, "blockedAt": blocked})
            per.append(u)
            allx.append(x[:len(a)]); ally.append(y[:len(a)]); alla.append(a)
            work.add(s.benign_queries * 0.5)
        x, y, a = np.concatenate(allx), np.concatenate(ally), np.concatenate(alla)
        agg = benign.utility(a, self.clean_probs(x), y)
        return {"clients": per, "aggregate": agg,
                "falsePositives": sum(p["flaggedAt"] is not None for p in per),
                "falseBlocks": sum(p["blockedAt"] is not None for p in per), "n": len(per)}

    def policy(self, name: str) -> Optional[dict]:
        """The configuration's policy: from the lab config if named there, else the defaults."""
        cfg = self.s.lab_config.get("configs", {})
        if name in cfg:
            return cfg[name].get("policy")
        if name not in ALL_CONFIGS:
            raise ValueError(f"unknown configuration {name!r}")
        return ALL_CONFIGS[name]

    # ---- one configuration ---------------------------------------------------------------------
    @contextlib.contextmanager
    def context(self, name: str, policy: Optional[dict], port: int):
        if self.s.offline:
            sp = lambda x: predict_probs(self.surrogate, x)
            yield {"defense": defenses.make(policy, sp) if policy else None}
            return
        cfg = self.s.lab_config["configs"].get(name, {})
        path = cfg.get("serviceConfig")
        if not path:
            raise RuntimeError(f"lab config has no serviceConfig for configuration {name!r}")
        cmd = self.s.lab_config.get("service", {}).get("command")
        kw = {"command": cmd} if cmd else {}
        kw["log_dir"] = self.s.out / "logs"
        with start_service(path, port, **kw) as url:
            yield {"url": url, "admin": AdminClient(url, self.s.lab_config["operatorKey"]), "serviceConfig": path,
                   "port": port}

    def run(self) -> dict:
        s = self.s
        configs = [c for c in s.configs if not (s.offline and self.policy(c) is None)]
        skipped = [c for c in s.configs if c not in configs]
        pool_cap = len(self.pool_in)
        per_cfg = sum(_attack_cost(a, s.budgets, s.quick, pool_cap if a.startswith("knockoff_") and a != "knockoff_ood" else None)
                      for a in s.attacks)
        per_cfg += (_attack_cost("knockoff_soft", s.budgets, s.quick, pool_cap) if s.split else 0)
        per_cfg += s.benign_clients * s.benign_queries * 0.5
        work = Work(per_cfg * len(configs))
        results = {"meta": {
            "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "oracle": "local PyTorch test double (OFFLINE: not the service)" if s.offline else "HTTP (the service)",
            "serviceCommit": _service_commit(), "mode": "quick" if s.quick else "full", "budgets": s.budgets, "seed": s.seed,
            "victimTestAccuracy": self.victim_acc, "evalImages": len(self.x_test), "victim": json.loads((MODELS_DIR / "fmnist-cnn.json").read_text()),
            "pools": {"indist": len(self.pool_in), "ood": len(self.pool_ood), "jbdaSeeds": len(self.seeds)},
            "benignClients": s.benign_clients, "benignQueriesPerClient": s.benign_queries,
            "skippedConfigs": skipped, "attacks": {a: ALL_ATTACKS[a] for a in s.attacks}},
            "configs": {}}
        base_port = int(s.lab_config.get("service", {}).get("basePort", 5710))
        for i, name in enumerate(configs):
            policy = self.policy(name)
            tqdm.write(f"== configuration {name}: {json.dumps(policy)}")
            entry = {"policy": policy, "serviceSettings": SERVICE_SETTINGS.get(name),
                     "serviceCommit": _service_commit(), "attacks": {}}
            t0 = time.time()
            try:
                with self.context(name, policy, base_port + i) as ctx:
                    entry["benign"] = self.run_benign(ctx, work)
                    for a in s.attacks:
                        entry["attacks"][a] = self.run_attack(ctx, a, work)
                        c = entry["attacks"][a]["curve"]
                        tqdm.write(f"   {a}: " + ", ".join(f"{p['queries']}q -> {p['accuracy']:.3f}" for p in c)
                                   + f"; flagged at {entry['attacks'][a]['flaggedAt']}, blocked at {entry['attacks'][a]['blockedAt']}")
                    if s.split:
                        entry["split"] = self.run_split(ctx, work)
                    if not s.offline:  # a rule that fires later can raise a benign key after its own run
                        entry["benign"]["flaggedByEnd"] = sum(
                            ctx["admin"].flagged(c["client"]) for c in entry["benign"]["clients"])
                        entry["tenantWatch"] = adversaries.benign_watch(self, ctx, entry)
            except Exception as e:  # keep going with the next configuration; the report shows the error
                entry["error"] = f"{type(e).__name__}: {e}"
                tqdm.write(f"   ERROR {entry['error']}")
            entry["seconds"] = round(time.time() - t0, 1)
            results["configs"][name] = entry
            self._save(results)
        work.close()
        results["meta"]["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        self._save(results)
        return results

    def _save(self, results: dict) -> None:
        self.s.out.mkdir(parents=True, exist_ok=True)
        (self.s.out / "results.json").write_text(json.dumps(results, indent=1, default=_json_default) + "\n")


def _service_commit() -> str:
    """The commit of the service being measured, with '+dirty' when the work tree has changes."""
    repo = pathlib.Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--", "src", "models", "config"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    raise TypeError(type(o))
