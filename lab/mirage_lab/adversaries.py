"""The issue-14 adversaries in the lab's matrix: each runs one attacker (adaptive_attacks, decoding,
cover_traffic, heavy_users) on the configuration's service and returns its results entry. Selected with
`--attacks NAME` or all at once with `--adversaries` (= `--attacks adversaries`)."""
from __future__ import annotations

import contextlib
import json
import pathlib
import time
from typing import Optional

import numpy as np
from tqdm import tqdm

from . import adaptive_attacks, heavy_users
from .attacks import epochs_for, jbda, knockoff
from .cover_traffic import CoverTraffic
from .decoding import DecodingOracle
from .oracle import AdminClient
from .service import start_service
from .split import SplitOracle

ADVERSARIES = {
    "knockoff_sorted": "Knockoff soft, in-distribution; 2,000 random-order queries, then the rest sorted by the class a copy "
                       "trained on those answers predicts (one block per class)",
    "knockoff_blend": "Knockoff soft, 50/50 in-distribution and out-of-distribution (photo crops + digits), interleaved",
    "knockoff_pause": "Knockoff soft, in-distribution, bursts of 3,000 with a pause of 1.2x the service's idle age between "
                      "them (own service with Grains IdleAge 30 s, CollectionQuantum 5 s)",
    "knockoff_multikey": "Knockoff soft, in-distribution, 3 keys x 3,000 queries (round robin), one copy on all answers",
    "decoding_jbda": "JBDA that drops its key at the first answer that looks perturbed and goes on with a fresh key",
    "decoding_ood": "out-of-distribution Knockoff (soft) that drops its key at the first answer that looks perturbed",
    "split_jbda_cover": "JBDA over 10 keys x 60 queries (shared seeds) while 3 benign keys of the tenant send test images "
                        "between its requests",
    "heavy_fast": "honest heavy user: 6,000 distinct class-balanced test images, one key, as fast as allowed",
    "heavy_slow": "honest heavy user: 20,000 distinct class-balanced images, one key; meant over an hour, but the service's "
                  "clock cannot be driven over HTTP, so sent as fast as the rate limit allows",
}

IDLE_AGE_S, COLLECTION_QUANTUM_S = 30, 5          # the pausing attacker's own service
PAUSE_S = 1.2 * IDLE_AGE_S
BURST, MULTIKEY_KEYS, MULTIKEY_PER_KEY = 3000, 3, 3000
DECODING_MAX_KEYS = 30
SPLIT_KEYS, SPLIT_PER_KEY, COVER_KEYS, COVER_PER_REQUEST = 10, 60, 3, 8
RAISE_SETTLE_S = 3.0
HEAVY = {"heavy_fast": 6000, "heavy_slow": 20000}
KEYS_NEEDED = 3 + MULTIKEY_KEYS + 2 * DECODING_MAX_KEYS + SPLIT_KEYS + COVER_KEYS + len(HEAVY)


def _quick(lab, n: int, small: int) -> int:
    return small if lab.s.quick else n


def cost(attack: str, budgets: list, quick: bool) -> float:
    """Rough work units (sample-epochs of training, plus queries x 0.5) for the progress bar."""
    top = min(max(budgets), 10_000)
    train = sum(b * epochs_for(b, quick) for b in budgets if b <= top)
    if attack.startswith("heavy_"):
        return HEAVY[attack] * 0.5
    if attack == "split_jbda_cover":
        return SPLIT_KEYS * SPLIT_PER_KEY * 40
    return train + top * 0.5


def _base(lab, attack: str, oracle, probe, ts, t0: float) -> dict:
    return {"description": ADVERSARIES[attack], "client": oracle.name, "queries": int(oracle.queries),
            "requests": int(oracle.requests), "blockedAt": ts.blocked_at,
            "flaggedAt": probe.flagged_at if probe else None, "seconds": round(time.time() - t0, 1),
            "levelsSeen": probe.level_names if probe else {}, "answerCost": lab._answer_cost(ts.x, ts.y)}


def _indist_budgets(lab) -> list:
    return [b for b in lab.s.budgets if b <= len(lab.pool_in)]


def run_sorted(lab, ctx, work) -> dict:
    oracle, probe = lab._oracle(ctx, "knockoff_sorted")
    t0 = time.time()
    b = min(max(lab.s.budgets), len(lab.pool_in))
    ts, info = adaptive_attacks.knockoff_sorted(oracle, lab.pool_in, b, seed=lab.s.seed, quick=lab.s.quick)
    guess = np.asarray(info.pop("sortedGuess", []), dtype=np.int64)
    w = info["warmup"]
    if len(guess):   # how well the attacker's sort matched the victim's own argmax (lab-side knowledge)
        clean = lab.clean_probs(ts.x[w:w + len(guess)]).argmax(1)
        info["sortAgreesWithVictim"] = float((clean == guess[:len(clean)]).mean())
    res = _base(lab, "knockoff_sorted", oracle, probe, ts, t0)
    res.update(info)
    res["curve"] = lab._curve(ts, _indist_budgets(lab), work, "soft", "knockoff_sorted")
    return res


def run_blend(lab, ctx, work) -> dict:
    oracle, probe = lab._oracle(ctx, "knockoff_blend")
    t0 = time.time()
    ts = adaptive_attacks.knockoff_blend(oracle, lab.pool_in, lab.pool_ood, max(lab.s.budgets), seed=lab.s.seed)
    res = _base(lab, "knockoff_blend", oracle, probe, ts, t0)
    res["curve"] = lab._curve(ts, lab.s.budgets, work, "soft", "knockoff_blend")
    return res


@contextlib.contextmanager
def _short_idle_service(lab, ctx):
    """The configuration's service again, on its own port, storage file and Orleans ports, with a short
    idle age (Orleans accepts seconds: tests/Silo.Tests/Detection/PausingAttackerTests.cs uses 2 s)."""
    if lab.s.offline:
        yield ctx
        return
    src = json.loads(open(ctx["serviceConfig"]).read())
    m = src["Mirage"]
    m["Grains"] = dict(m.get("Grains") or {}, IdleAge=f"00:00:{IDLE_AGE_S:02d}",
                       CollectionQuantum=f"00:00:{COLLECTION_QUANTUM_S:02d}")
    m["Cluster"] = dict(m.get("Cluster") or {}, SiloPort=0, GatewayPort=0)
    m["Storage"] = dict(m.get("Storage") or {}, SqlitePath=str(lab.s.out / "pause-data" / "grains.db"))
    folder = pathlib.Path(ctx["serviceConfig"]).resolve().parent
    m["ModelsDirectory"] = str((folder / m.get("ModelsDirectory", "../models")).resolve())
    (lab.s.out / "pause-data").mkdir(parents=True, exist_ok=True)
    path = lab.s.out / "pause-data" / "service.json"
    path.write_text(json.dumps(src, indent=2) + "\n")
    cmd = lab.s.lab_config.get("service", {}).get("command")
    kw = {"command": cmd} if cmd else {}
    with start_service(str(path), ctx["port"] + 100, log_dir=lab.s.out / "logs", **kw) as url:
        yield dict(ctx, url=url, admin=AdminClient(url, lab.s.lab_config["operatorKey"]))


def run_pause(lab, ctx, work) -> dict:
    burst = _quick(lab, BURST, 250)
    pause = 0.0 if lab.s.offline else PAUSE_S
    with _short_idle_service(lab, ctx) as pctx:
        oracle, probe = lab._oracle(pctx, "knockoff_pause")
        t0 = time.time()

        def between(i: int) -> None:
            tqdm.write(f"   knockoff_pause: burst {i} sent, pausing {pause:.0f} s")
            time.sleep(pause)

        b = min(max(lab.s.budgets), len(lab.pool_in))
        ts = adaptive_attacks.knockoff_bursts(oracle, lab.pool_in, b, seed=lab.s.seed, burst=burst, between=between)
        res = _base(lab, "knockoff_pause", oracle, probe, ts, t0)
    res.update({"burst": burst, "pauseSeconds": pause, "idleAgeSeconds": None if lab.s.offline else IDLE_AGE_S,
                "collectionQuantumSeconds": None if lab.s.offline else COLLECTION_QUANTUM_S,
                "service": "offline double (no pause)" if lab.s.offline else "own service, short idle age"})
    res["curve"] = lab._curve(ts, _indist_budgets(lab), work, "soft", "knockoff_pause")
    return res


def run_multikey(lab, ctx, work) -> dict:
    per = _quick(lab, MULTIKEY_PER_KEY, 150)
    subs = [lab._oracle(ctx, f"multikey{i}") for i in range(MULTIKEY_KEYS)]
    oracle = SplitOracle([o for o, _ in subs], name="multikey")
    t0 = time.time()
    ts = knockoff(oracle, lab.pool_in, per * MULTIKEY_KEYS, seed=lab.s.seed)
    res = _base(lab, "knockoff_multikey", oracle, None, ts, t0)
    flagged = [p.flagged_at for _, p in subs]
    fl = [f for f in flagged if f is not None]
    res.update({"keys": MULTIKEY_KEYS, "perKey": per, "clients": [o.name for o, _ in subs],
                "keysFlagged": len(fl), "flaggedAtPerKey": flagged,
                "flaggedAt": int(min(fl) * MULTIKEY_KEYS) if fl else None,
                "levelsSeen": [p.level_names for _, p in subs]})
    budgets = sorted({b for b in lab.s.budgets if b < len(ts.x)} | {len(ts.x)})
    res["curve"] = lab._curve(ts, budgets, work, "soft", "knockoff_multikey")
    return res


def _decoding_oracle(lab, ctx, attack: str) -> DecodingOracle:
    taken = [0]

    def fresh():
        if taken[0] >= DECODING_MAX_KEYS:
            return None
        taken[0] += 1
        return lab._oracle(ctx, f"{attack}-key{taken[0]}")
    return DecodingOracle(fresh, name=attack)


def run_decoding_jbda(lab, ctx, work) -> dict:
    oracle = _decoding_oracle(lab, ctx, "decoding_jbda")
    t0 = time.time()
    with tqdm(desc="  decoding jbda rounds (epochs)", unit="ep", leave=False, position=1) as bar:
        ts = jbda(oracle, lab.seeds, max(lab.s.budgets), seed=lab.s.seed, quick=lab.s.quick, progress=bar.update,
                  eval_set=(lab.x_test, lab.y_test))
    return _decoding_result(lab, "decoding_jbda", oracle, ts, t0,
                            [{"budget": q, "queries": q, "accuracy": a} for q, a in ts.checkpoints], "rounds")


def run_decoding_ood(lab, ctx, work) -> dict:
    oracle = _decoding_oracle(lab, ctx, "decoding_ood")
    t0 = time.time()
    ts = knockoff(oracle, lab.pool_ood, max(lab.s.budgets), seed=lab.s.seed)
    res = _decoding_result(lab, "decoding_ood", oracle, ts, t0, None, "budgets")
    res["curve"] = lab._curve(ts, lab.s.budgets, work, "soft", "decoding_ood")
    return res


def _decoding_result(lab, attack, oracle: DecodingOracle, ts, t0, curve, kind) -> dict:
    res = _base(lab, attack, oracle, None, ts, t0)
    summary = oracle.summary()
    first = summary["keys"][0] if summary["keys"] else {}
    res.update(summary)
    res.update({"flaggedAt": first.get("flaggedAt"), "curveKind": kind, "curve": curve})
    return res


def _key_detail(admin: Optional[AdminClient], client: str) -> dict:
    doc = admin.client(client) if admin else None
    if not doc:
        return {"client": client}
    sig = doc.get("signals") or {}
    return {"client": client, "levelName": doc.get("levelName"), "flagged": doc.get("flagged"),
            "splitAttack": sig.get("splitAttack"), "maxHistoryLevel": max((h.get("level", 0) for h in doc.get("history") or []), default=None)}


def _raised(key: dict) -> bool:
    """Raised at all by the end: flagged during its own queries, or raised by the tenant watch after them."""
    return key["flaggedAt"] is not None or bool(key.get("splitAttack"))


def run_split_cover(lab, ctx, work) -> dict:
    subs = [lab._oracle(ctx, f"sjbda{i}") for i in range(SPLIT_KEYS)]
    covers = [lab._oracle(ctx, f"cover{k}") for k in range(COVER_KEYS)]
    oracle = SplitOracle([o for o, _ in subs], name="split_jbda_cover")
    cover = CoverTraffic([o for o, _ in covers], per_request=COVER_PER_REQUEST)
    oracle.after_request = cover
    t0 = time.time()
    per_request = SPLIT_PER_KEY // 6   # 6 requests a key, round robin
    with tqdm(desc="  split jbda rounds (epochs)", unit="ep", leave=False, position=1) as bar:
        ts = jbda(oracle, lab.seeds, SPLIT_KEYS * SPLIT_PER_KEY, seed=lab.s.seed, quick=lab.s.quick,
                  batch_size=per_request, progress=bar.update, eval_set=(lab.x_test, lab.y_test))
    res = _base(lab, "split_jbda_cover", oracle, None, ts, t0)
    admin = ctx.get("admin")
    if admin:
        # The client grains hand young keys' rows to the tenant grain at most 1 s late (TenantReporter.MaxDelay),
        # so a raise for the last requests lands after them: read the keys once it can have.
        time.sleep(RAISE_SETTLE_S)
    jb = [dict(_key_detail(admin, o.name), flaggedAt=p.flagged_at, answered=int(o.queries)) for o, p in subs]
    cov = []
    for k, (o, p) in enumerate(covers):
        a, x = cover.answers_of(k), cover.inputs(k)
        agree = float((a.argmax(1) == lab.clean_probs(x).argmax(1)).mean()) if len(a) else None
        cov.append(dict(_key_detail(admin, o.name), flaggedAt=p.flagged_at, answered=int(o.queries),
                        argmaxAgreement=agree, blockedAt=cover.blocked[k]))
    tenant = admin.tenant() if admin else None
    res.update({"keys": SPLIT_KEYS, "jbdaKeys": jb, "coverKeys": cov,
                "keysFlagged": sum(k["flaggedAt"] is not None for k in jb),
                "keysRaised": sum(map(_raised, jb)),
                "coverKeysRaised": sum(map(_raised, cov)),
                "coverKeysFlagged": sum(k["flaggedAt"] is not None for k in cov),
                "flaggedAtPerKey": [k["flaggedAt"] for k in jb],
                "flaggedAt": min((k["flaggedAt"] for k in jb if k["flaggedAt"] is not None), default=None),
                "splitAttackAlerts": (tenant or {}).get("splitAttacks", [])[:5], "curveKind": "rounds",
                "curve": [{"budget": q, "queries": q, "accuracy": a} for q, a in ts.checkpoints]})
    return res


def run_heavy(lab, ctx, work, attack: str) -> dict:
    n = _quick(lab, HEAVY[attack], HEAVY[attack] // 10)
    oracle, probe = lab._oracle(ctx, attack)
    x = heavy_users.balanced_images(n, seed=lab.s.seed + (1 if attack == "heavy_slow" else 0))
    t0 = time.time()
    a, blocked = heavy_users.run(oracle, x)
    secs = time.time() - t0
    correct = float((a.argmax(1) == lab.clean_probs(x[:len(a)]).argmax(1)).mean()) if len(a) else None
    seen = probe.level_names
    res = {"description": ADVERSARIES[attack], "client": oracle.name, "queries": int(oracle.queries),
           "requests": int(oracle.requests), "blockedAt": blocked, "flaggedAt": probe.flagged_at,
           "seconds": round(secs, 1), "queriesPerSecond": round(len(a) / max(secs, 1e-9), 1),
           "throttledSeconds": round(getattr(oracle, "throttled_seconds", 0.0), 1),
           "labelsCorrect": correct, "levelsSeen": seen,
           "everLabelChanging": any(l in seen for l in heavy_users.LABEL_CHANGING_LEVELS),
           "clockDriven": False, "curve": [], "answerCost": lab._answer_cost(x[:len(a)], a),
           "final": _key_detail(ctx.get("admin"), oracle.name)}
    work.add(n * 0.5)
    return res


RUNNERS = {"knockoff_sorted": run_sorted, "knockoff_blend": run_blend, "knockoff_pause": run_pause,
           "knockoff_multikey": run_multikey, "decoding_jbda": run_decoding_jbda, "decoding_ood": run_decoding_ood,
           "split_jbda_cover": run_split_cover,
           "heavy_fast": lambda lab, ctx, work: run_heavy(lab, ctx, work, "heavy_fast"),
           "heavy_slow": lambda lab, ctx, work: run_heavy(lab, ctx, work, "heavy_slow")}


def run(lab, ctx, attack: str, work) -> dict:
    return RUNNERS[attack](lab, ctx, work)


def benign_watch(lab, ctx, entry: dict) -> Optional[dict]:
    """After a configuration: which honest keys (benign clients, cover keys, heavy users) the tenant
    watch raised (signals.splitAttack in GET /v1/admin/clients/{c})."""
    admin = ctx.get("admin")
    if admin is None:
        return None
    names = [c["client"] for c in (entry.get("benign") or {}).get("clients", [])]
    at = entry.get("attacks", {})
    names += [k["client"] for k in (at.get("split_jbda_cover") or {}).get("coverKeys", [])]
    names += [at[h]["client"] for h in HEAVY if h in at]
    details = [_key_detail(admin, n) for n in names]
    return {"checked": len(details), "raised": [d["client"] for d in details if d.get("splitAttack")],
            "perKey": details}
