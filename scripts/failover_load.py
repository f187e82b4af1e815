"""The cluster's failure test (scripts/cluster-tests.sh failover): steady load through nginx from benign
clients and one JBDA-style attacker mid-attack; kill -9 the silo that hosts the most client grains (among those hosting
an attacker candidate), then restart it. Prints what it measured; exits 1 when a check fails:
- no request fails through nginx;
- every client's count survives within the write cadence; the attacker is flagged within one detector
  cadence of where the same stream is flagged without a kill (a reference key sent it afterwards);
- no client or tenant grain ever has two activations (sampled by `mirage cluster status`), and none has
  zero outside the failover window;
- the restarted silo rejoins and serves requests again; no client ends with a lower count."""
import argparse
import subprocess
import sys
import threading
import time
import urllib.request

from cluster_probe import (DETECTOR_CADENCE_SECONDS, TEST_TENANTS, TRANSIENT, ClusterSampler, detail,
                           fashion_mnist_test, jbda_stream, placements, predict)

BENIGN = ["demo-client-1", "demo-client-2", "demo-client-3", "acme-client-1"]
CANDIDATES = [c for c in TEST_TENANTS["lab"] if c != "lab-reference"]
BATCH = 4
# A client grain writes every 20 observations or every second (config/cluster.json).
CADENCE_QUERIES = 20 * BATCH
ATTACK_PACE = 0.2          # seconds between the attacker's requests of 10 queries
KILL_AT_QUERIES = 150      # mid-attack: PRADA flags this stream at about 190 without a kill
ATTACK_BUDGET = 800
WINDOW_SECONDS = 15        # after the kill, a grain may have no activation until it is reactivated


class Client(threading.Thread):
    def __init__(self, base, key, batches, pace=0.0):
        super().__init__(daemon=True)
        self.base, self.key, self.batches, self.pace = base, key, batches, pace
        self.answered, self.errors, self.longest = 0, 0, 0.0
        self.successes = []  # (started, finished)
        self.stop = threading.Event()

    def send(self, rows):
        started = time.time()
        try:
            predict(self.base, self.key, rows)
        except TRANSIENT as e:
            self.errors += 1
            print(f"{self.key}: error {e}", file=sys.stderr)
            return False
        finally:
            self.longest = max(self.longest, time.time() - started)
        self.answered += len(rows)
        self.successes.append((started, time.time()))
        return True

    def run(self):
        for rows in self.batches:
            if self.stop.is_set():
                break
            self.send(rows)
            time.sleep(self.pace)


class Attacker(Client):
    """Sends the JBDA-style stream; records how many queries it had sent when PRADA first flagged it."""

    def __init__(self, base, key):
        super().__init__(base, key, jbda_stream(fashion_mnist_test(0, 100), rng_seed=5), ATTACK_PACE)
        self.flagged_at = None

    def run(self):
        for rows in self.batches:
            if self.stop.is_set() or self.answered >= ATTACK_BUDGET:
                break
            if self.send(rows):
                try:
                    if detail(self.base, self.key)["signals"]["prada"]["flagged"]:
                        self.flagged_at = self.answered
                        break
                except TRANSIENT:
                    pass
            time.sleep(self.pace)


def benign_batches(first):
    images = fashion_mnist_test(first, 400)
    i = 0
    while True:
        yield images[i % 400:i % 400 + BATCH]
        i += BATCH


def requests_served(silo):
    # /metrics is for the platform's admins (config/cluster.json's public demo admin key).
    request = urllib.request.Request(f"http://127.0.0.1:808{silo}/metrics", headers={"Authorization": "Bearer demo-admin"})
    with urllib.request.urlopen(request, timeout=5) as response:
        for line in response.read().decode().splitlines():
            if line.startswith("mirage_inference_requests_total"):
                return float(line.split()[-1])
    return 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--kill", required=True, help="command with {n} for the silo's number")
    ap.add_argument("--restart", required=True, help="command with {n} for the silo's number")
    ap.add_argument("--gateways", nargs="+", required=True)
    ap.add_argument("--mirage", required=True, help="how to run the mirage command")
    ap.add_argument("--seconds", type=float, default=10, help="load after the kill")
    a = ap.parse_args()
    failures = []

    # Each key's first request places its grain on the silo nginx hashes the key to (PreferLocalPlacement).
    warm_up = {key: fashion_mnist_test(2000 + n, 1) for n, key in enumerate(BENIGN + CANDIDATES)}
    for key, rows in warm_up.items():
        predict(a.url, key, rows)
    sampler = ClusterSampler(a.mirage, a.gateways, BENIGN + CANDIDATES, ["demo", "acme", "lab"])
    where = placements(sampler.latest())
    hosted = {}
    for grain, silos in where.items():
        if grain.startswith("client "):
            hosted.setdefault(silos[0], []).append(grain.split("/")[1])
    target = max((s for s in hosted if any(c in CANDIDATES for c in hosted[s])), key=lambda s: len(hosted[s]))
    attacker_key = next(c for c in CANDIDATES if c in hosted[target])
    print(f"client grains per silo: { {s: len(c) for s, c in sorted(hosted.items())} }; killing silo {target} "
          f"({', '.join(hosted[target])}); attacker {attacker_key}")

    benign = [Client(a.url, key, benign_batches(1000 + 400 * n), 0.02) for n, key in enumerate(BENIGN + CANDIDATES)
              if key != attacker_key]
    attacker = Attacker(a.url, attacker_key)
    for client in benign + [attacker]:
        client.start()
    while attacker.answered < KILL_AT_QUERIES and attacker.is_alive():
        time.sleep(0.02)
    before_kill = {c.key: c.answered for c in benign + [attacker]}
    killed_at = time.time()
    subprocess.run(a.kill.format(n=target), shell=True, check=True)
    time.sleep(a.seconds)
    for client in benign:
        client.stop.set()
    attacker.join(timeout=120)
    attacker.stop.set()
    for client in benign:
        client.join()
    time.sleep(2)  # the cadence writes what the survivors saw

    everyone = benign + [attacker]
    counts = {}
    for client in everyone:
        counts[client.key] = detail(a.url, client.key)["queries"]
        lost = client.answered + 1 - counts[client.key]  # + the first request, which placed the grain
        on_killed = client.key in hosted[target]
        if not 0 <= lost <= CADENCE_QUERIES:
            failures.append(f"{client.key} lost {lost} queries")
        print(f"{client.key}{' (on the killed silo)' if on_killed else ''}: answered {client.answered} "
              f"(before the kill {before_kill[client.key]}), counted {counts[client.key]}, lost {lost} "
              f"(bound {CADENCE_QUERIES}), errors {client.errors}, longest request {client.longest:.2f} s")

    # Seconds from the kill to the first answer, for each client whose grain died with the silo.
    recovery = [min((done for started, done in c.successes if started >= killed_at), default=float("inf")) - killed_at
                for c in everyone if c.key in hosted[target]]
    print(f"seconds from kill -9 to the first request served by a reactivated grain: "
          f"{', '.join(f'{r:.2f}' for r in recovery)} (max {max(recovery):.2f})")

    subprocess.run(a.restart.format(n=target), shell=True, check=True)
    # Past nginx's fail_timeout (5 s) the ring sends the silo its keys again.
    rejoin = [Client(a.url, c.key, benign_batches(3000), 0.05) for c in everyone]
    for client in rejoin:
        client.start()
    time.sleep(7)
    for client in rejoin:
        client.stop.set()
        client.join()
    served = requests_served(target)  # a fresh process: all since its restart
    sampler.latest()
    status = {s["silo"]: s["status"] for s in sampler.samples[-1][1].get("silos", [])}
    print(f"silo {target} after its restart: served {served:.0f} requests in 7 s; "
          f"statuses {sorted(status.values())}")
    if served == 0:
        failures.append(f"restarted silo {target} served no request")
    for client in everyone:
        after = detail(a.url, client.key)["queries"]
        if after < counts[client.key]:
            failures.append(f"{client.key} ended lower: {after} < {counts[client.key]}")

    # The same stream from a key nobody killed: where PRADA flags it without a kill.
    reference = Attacker(a.url, "lab-reference")
    predict(a.url, "lab-reference", warm_up[attacker_key])  # the attacker's first request, as it had
    reference.run()
    cadence = int(DETECTOR_CADENCE_SECONDS / ATTACK_PACE + 1) * 10 + 10
    print(f"attacker flagged after {attacker.flagged_at} queries; the same stream without a kill after "
          f"{reference.flagged_at}; bound one detector cadence = {cadence} queries")
    if attacker.flagged_at is None or reference.flagged_at is None or abs(attacker.flagged_at - reference.flagged_at) > cadence:
        failures.append("attacker not flagged within one cadence of the reference")

    sampler.stop()
    failures += check_activations(sampler.samples, killed_at)
    total_errors = sum(c.errors for c in everyone + rejoin)
    print(f"requests that failed through nginx: {total_errors}; longest request "
          f"{max(c.longest for c in everyone + rejoin):.2f} s")
    if total_errors:
        failures.append(f"{total_errors} requests failed")
    for failure in failures:
        print(f"FAILED: {failure}")
    print("failover test: " + ("FAILED" if failures else "passed"))
    return 1 if failures else 0


def check_activations(samples, killed_at):
    """No grain has two activations in any sample; none has zero outside the failover window."""
    failures, checked, zero_in_window = [], 0, 0
    for at, sample in samples:
        if "error" in sample:
            continue
        checked += 1
        for grain in sample["grains"]:
            if grain["activations"] > 1:
                failures.append(f"{grain['grain']} had {grain['activations']} activations at {at - killed_at:+.1f} s")
            elif grain["activations"] == 0:
                if killed_at <= at <= killed_at + WINDOW_SECONDS:
                    zero_in_window += 1
                elif at > killed_at:
                    failures.append(f"{grain['grain']} had no activation at {at - killed_at:+.1f} s")
    errors = sum(1 for _, s in samples if "error" in s)
    print(f"activation samples: {checked} ({errors} failed while the cluster reorganized); most activations of "
          f"one grain: {max((g['activations'] for _, s in samples if 'error' not in s for g in s['grains']), default=0)}; "
          f"grain-samples with none inside the {WINDOW_SECONDS} s failover window: {zero_in_window}")
    return failures


if __name__ == "__main__":
    sys.exit(main())
