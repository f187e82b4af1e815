"""An attack split across silos (scripts/cluster-tests.sh split): a JBDA-style stream over the 10 keys of
tenant "split", round robin, 60 requests of 10 queries (no key alone reaches a PRADA test). nginx hashes
the keys onto the three silos, so the client grains live on different silos; each reports its young
queries to the tenant's one grain, which must catch the attack and raise every key to "attack".
Exits 1 when the keys did not spread over several silos, the tenant grain has other than one
activation, or a key was not raised."""
import argparse
import sys
import time

from cluster_probe import TEST_TENANTS, ClusterSampler, detail, fashion_mnist_test, jbda_stream, placements, predict

KEYS = TEST_TENANTS["split"]
REQUESTS = 60


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--gateways", nargs="+", required=True)
    ap.add_argument("--mirage", required=True, help="how to run the mirage command")
    a = ap.parse_args()
    failures = []

    # Each key's first request of the attack places its grain on the silo nginx hashes the key to.
    stream = jbda_stream(fashion_mnist_test(5000, 100), rng_seed=21)
    started = time.time()
    for request in range(REQUESTS):
        predict(a.url, KEYS[request % len(KEYS)], next(stream))
    sent = time.time() - started

    sampler = ClusterSampler(a.mirage, a.gateways, KEYS, ["split"])
    where = placements(sampler.latest())
    sampler.stop()
    silos = {}
    for key in KEYS:
        for silo in where[f"client split/{key}"]:
            silos.setdefault(silo, []).append(key)
    print(f"{REQUESTS * 10} queries over {len(KEYS)} keys in {sent:.1f} s; client grains per silo: "
          f"{ {s: len(k) for s, k in sorted(silos.items())} }; tenant grain on silo(s) {where['tenant split']}")
    if len(silos) < 2:
        failures.append("the keys' grains are all on one silo: the attack was not split across silos")
    if len(where["tenant split"]) != 1:
        failures.append(f"tenant split has {len(where['tenant split'])} activations")

    # The tenant grain tests its pooled stream as the young keys' rows arrive (at most 1 s late).
    deadline, raised = time.time() + 20, {}
    while time.time() < deadline and len(raised) < len(KEYS):
        for key in KEYS:
            if key not in raised:
                d = detail(a.url, key)
                if d["signals"]["splitAttack"]:
                    raised[key] = (d["levelName"], d["signals"]["prada"]["flagged"], d["queries"])
        time.sleep(0.2)
    for key in KEYS:
        level, own, queries = raised.get(key, (None, None, None))
        print(f"{key}: {'raised to ' + str(level) if level else 'NOT raised'} (own PRADA flagged: {own}, queries {queries})")
        if level != "attack":
            failures.append(f"{key} not raised to attack")

    for failure in failures:
        print(f"FAILED: {failure}")
    print(f"split-across-silos test: {'FAILED' if failures else 'passed'} ({len(raised)} of {len(KEYS)} keys raised, "
          f"{time.time() - started:.1f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
