"""Steady load through nginx while a silo is killed and restarted; prints what it saw and fails on a
lost count. Used by scripts/failover-test.sh."""
import argparse
import json
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

CLIENTS = {"demo-client-1": "demo-operator", "demo-client-2": "demo-operator",
           "demo-client-3": "demo-operator", "acme-client-1": "acme-operator"}
BATCH = 4
# A client grain writes every 20 observations or every second (config/cluster.json): a killed silo
# loses at most that many requests' worth of counts per client.
CADENCE_QUERIES = 20 * BATCH


def call(url, key, method="GET", body=None, timeout=10):
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"null")


def detail(base, client):
    return call(f"{base}/v1/admin/clients/{client}", CLIENTS[client])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--kill", required=True)
    ap.add_argument("--restart", required=True)
    ap.add_argument("--seconds", type=float, default=8)
    a = ap.parse_args()
    raw = open("models/testvectors/fmnist-cnn.inputs.f32", "rb").read()
    values = struct.unpack(f"<{len(raw) // 4}f", raw)
    images = [list(values[i * 784:(i + 1) * 784]) for i in range(64)]

    for client in CLIENTS:
        call(f"{a.url}/v1/admin/clients/{client}/reset", CLIENTS[client], "POST")

    answered = {c: 0 for c in CLIENTS}
    errors = {c: 0 for c in CLIENTS}
    stop = threading.Event()

    def load(client):
        i = 0
        while not stop.is_set():
            body = {"inputs": [images[(i + j) % len(images)] for j in range(BATCH)]}
            i += BATCH
            try:
                call(f"{a.url}/v1/models/fmnist-cnn/predict", client, "POST", body)
                answered[client] += BATCH
            except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
                errors[client] += 1
                print(f"{client}: error {e}", file=sys.stderr)
                time.sleep(0.05)

    threads = [threading.Thread(target=load, args=(c,)) for c in CLIENTS]
    for t in threads:
        t.start()
    time.sleep(a.seconds)
    before_kill = dict(answered)
    subprocess.run(a.kill, shell=True, check=True)
    killed_at = time.time()
    time.sleep(a.seconds)
    stop.set()
    for t in threads:
        t.join()
    time.sleep(2)  # the cadence writes what the survivors saw

    failed = False
    counts = {}
    for client in CLIENTS:
        queries = detail(a.url, client)["queries"]
        counts[client] = queries
        lost = answered[client] - queries
        ok = 0 <= lost <= CADENCE_QUERIES
        failed |= not ok
        print(f"{client}: answered {answered[client]} (before the kill {before_kill[client]}), counted {queries}, "
              f"lost {lost} (bound {CADENCE_QUERIES}), errors {errors[client]}")

    subprocess.run(a.restart, shell=True, check=True)
    for client in CLIENTS:
        for _ in range(3):
            call(f"{a.url}/v1/models/fmnist-cnn/predict", client, "POST", {"inputs": images[:BATCH]})
    time.sleep(2)
    for client in CLIENTS:
        after = detail(a.url, client)["queries"]
        ok = after >= counts[client]
        failed |= not ok
        print(f"{client}: after the silo rejoined and 3 more requests: {after} (was {counts[client]}){'' if ok else '  LOWER'}")

    total_errors = sum(errors.values())
    print(f"requests that failed through nginx: {total_errors}; killed a silo {time.time() - killed_at:.0f} s before the end")
    failed |= total_errors > 0
    print("failover test: " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
