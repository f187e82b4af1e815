"""What the cluster tests share (scripts/failover_load.py, scripts/split_attack_cluster.py): HTTP calls
through nginx, the test tenants' keys, Fashion-MNIST test images, the JBDA-style query stream, and a
sampler of `mirage cluster status` (the Orleans management grain's view of the activations).

  python3 scripts/cluster_probe.py env    prints the `export` lines that add the test tenants to the
                                          silos' configuration (config/cluster.json's tenants stay)."""
import gzip
import json
import random
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

PREDICT = "/v1/models/fmnist-cnn/predict"
# Two tenants on top of config/cluster.json's: "lab" for the failover test's attacker candidates and its
# reference attacker, "split" for the attack spread over 10 keys. Key = client name (keys need 8 characters or more).
TEST_TENANTS = {
    "lab": [f"lab-candidate-{i}" for i in range(1, 7)] + ["lab-reference"],
    "split": [f"split-key-{i}" for i in range(1, 11)],
}
OPERATORS = {"demo": "demo-operator", "acme": "acme-operator", "lab": "lab-operator", "split": "split-operator"}
# The failover test's detector cadence: a client grain writes its PRADA state at most this long after a
# change (Mirage:Persistence:WriteDetectorEvery, default 1 min), so a kill -9 loses at most this much of it.
DETECTOR_CADENCE_SECONDS = 1.0
TRANSIENT = (urllib.error.URLError, TimeoutError, ConnectionError)


def env_exports():
    """Environment overrides (ASP.NET configuration: Mirage__Tenants__N__...) appended after the file's tenants."""
    config = json.load(open("config/cluster.json"))
    first = len(config["Mirage"]["Tenants"])
    lines = [f"export Mirage__Persistence__WriteDetectorEvery=00:00:0{DETECTOR_CADENCE_SECONDS:.0f}"]
    for offset, (tenant, clients) in enumerate(TEST_TENANTS.items()):
        prefix = f"Mirage__Tenants__{first + offset}"
        lines.append(f"export {prefix}__Name={tenant}")
        for k, name in enumerate(clients + [OPERATORS[tenant]]):
            role = "Operator" if name == OPERATORS[tenant] else "Client"
            lines += [f"export {prefix}__Keys__{k}__Key={name}", f"export {prefix}__Keys__{k}__Role={role}",
                      f"export {prefix}__Keys__{k}__Client={name}"]
    return "\n".join(lines)


def tenant_of(client):
    """Every test client's name starts with its tenant's: demo-client-1, acme-client-1, lab-candidate-3, split-key-7."""
    return client.split("-")[0]


def call(url, key, method="GET", body=None, timeout=30):
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"null")


def detail(base, client):
    return call(f"{base}/v1/admin/clients/{client}", OPERATORS[tenant_of(client)])


def predict(base, key, rows):
    return call(f"{base}{PREDICT}", key, "POST", {"inputs": rows})


def fashion_mnist_test(first, count):
    """Images first..first+count of the test split, scaled to [0, 1] (Debian's dataset-fashion-mnist)."""
    with gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") as f:
        data = f.read()
    start = 16 + first * 784
    return [[b / 255 for b in data[start + i * 784:start + (i + 1) * 784]] for i in range(count)]


def jbda_stream(seeds, rng_seed, batch=10):
    """JBDA-style batches: the seeds, then rounds of x + 0.1*sign(noise) over the whole set (the substitute's
    gradient sign, which needs no model of its own to look the same to PRADA). Deterministic per rng_seed."""
    rng = random.Random(rng_seed)
    known = [list(x) for x in seeds]
    queue = list(known)
    while True:
        if len(queue) < batch:
            step = [[round(min(1.0, max(0.0, v + (0.1 if rng.random() < 0.5 else -0.1))), 6) for v in x] for x in known]
            known += step
            queue += step
        rows, queue = queue[:batch], queue[batch:]
        yield rows


def silo_number(silo):
    """scripts/cluster.sh's silo N listens on Orleans port 11120+N: "127.0.0.1:11122@123" -> 2."""
    return int(silo.split("@")[0].rsplit(":", 1)[1]) - 11120


class ClusterSampler:
    """Runs `mirage cluster status --every` and keeps every sample with the time it arrived."""

    def __init__(self, mirage, gateways, clients, tenants, every=0.5):
        args = mirage.split() + ["cluster", "status", "--json", "--every", str(every), "--gateway", *gateways]
        args += ["--client", *[f"{tenant_of(c)}/{c}" for c in clients]] if clients else []
        args += ["--tenant", *tenants] if tenants else []
        self.samples = []
        self._process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self._process.stdout:
            try:
                self.samples.append((time.time(), json.loads(line)))
            except json.JSONDecodeError:
                pass

    def latest(self, timeout=30):
        """The next complete sample to arrive (every active silo answered)."""
        seen, end = len(self.samples), time.time() + timeout
        while time.time() < end:
            for at, sample in self.samples[seen:]:
                if "error" not in sample and all(s["reachable"] or s["status"] != "Active" for s in sample["silos"]):
                    return sample
            time.sleep(0.1)
        raise TimeoutError("no complete cluster sample: is `mirage cluster status` reaching the gateways?")

    def stop(self):
        self._process.terminate()
        self._process.wait(10)


def placements(sample):
    """{grain name: [silo numbers]} from one sample."""
    return {g["grain"]: [silo_number(s) for s in g["silos"]] for g in sample["grains"]}


if __name__ == "__main__":
    if sys.argv[1:] == ["env"]:
        print(env_exports())
    else:
        print(__doc__)
        sys.exit(2)
