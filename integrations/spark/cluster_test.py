#!/usr/bin/env python3
"""make spark-cluster-test: the driver on a real Spark standalone cluster, on this machine.

    python3 integrations/spark/cluster_test.py --winnow dist/winnow [--documents 3000]

Starts a standalone master and two workers (one core each, each with its own work
directory) from the installed PySpark (`spark-class`), then submits with `spark-submit
--master spark://… --archives dist/winnow.tar.gz#w` (the executors run the shipped
self-contained binary): pipelines/ko-news.yaml on samples/ (pages, learning the boilerplate
stage's corpus rule across partitions), pipelines/web.yaml on generated JSONL, and the Spark
test's dedup pipeline on generated JSONL while one worker is killed (with its executor and
everything they run) as soon as winnow runs on it. Every run must write the same clean
records and rejects as `winnow run`, byte for byte after sorting. Stops the cluster at the end.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import test_winnow_spark  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid):
    """Every process below `pid` (from /proc), with its command line."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append((int(entry), command))
    found, stack = [], [pid]
    while stack:
        for child, command in children.get(stack.pop(), []):
            found.append((child, command))
            stack.append(child)
    return found


class Cluster:
    def __init__(self, work):
        import pyspark
        self.home = os.path.dirname(pyspark.__file__)
        self.work = work
        self.port = free_port()
        self.url = f"spark://127.0.0.1:{self.port}"
        # Workers that stop answering are given up after 30 s (the default is 60); the workers beat at a quarter of it.
        self.env = dict(os.environ, SPARK_HOME=self.home, PYSPARK_PYTHON=sys.executable, SPARK_LOCAL_IP="127.0.0.1",
                        SPARK_MASTER_OPTS="-Dspark.worker.timeout=30",
                        SPARK_WORKER_OPTS="-Dspark.worker.timeout=30", SPARK_LOG_DIR=work)
        self.processes = {}

    def start(self, name, args):
        log = open(os.path.join(self.work, f"{name}.log"), "wb")
        self.processes[name] = subprocess.Popen([os.path.join(self.home, "bin", "spark-class")] + args, stdout=log,
                                                stderr=subprocess.STDOUT, env=self.env, start_new_session=True)

    def up(self, workers=2):
        self.start("master", ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(self.port),
                              "--webui-port", str(free_port())])
        for index in range(workers):
            directory = os.path.join(self.work, f"worker{index}")
            os.makedirs(directory)
            self.start(f"worker{index}", ["org.apache.spark.deploy.worker.Worker", self.url, "--host", "127.0.0.1",
                                          "--cores", "1", "--memory", "1g", "--work-dir", directory,
                                          "--webui-port", str(free_port())])
        deadline = time.time() + 120
        while time.time() < deadline:
            with open(os.path.join(self.work, "master.log"), errors="replace") as f:
                if f.read().count("Registering worker") >= workers:
                    return
            time.sleep(0.5)
        raise RuntimeError("the workers did not register with the master in 120 s")

    def kill(self, name):
        """The worker and everything it started (its executor, Python workers, winnow), at once."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def down(self):
        for name in list(self.processes):
            self.kill(name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--winnow", required=True, help="a `make dist` directory (DIR.tar.gz beside it is shipped)")
    parser.add_argument("--documents", type=int, default=3000)
    args = parser.parse_args()
    dist = os.path.abspath(args.winnow)
    binary = os.path.join(dist, "winnow")
    work = tempfile.mkdtemp(prefix="winnow-spark-cluster-")
    cluster = Cluster(work)
    failures = []
    started = time.time()
    cluster.up()
    print(f"spark-cluster-test: master {cluster.url} and 2 workers up in {time.time() - started:.1f} s", flush=True)
    try:
        inputs = test_winnow_spark.corpus(work, args.documents)

        def reference(pipeline, sources, name):
            out = os.path.join(work, name + ".jsonl")
            command = [binary, "run", pipeline, "--output", out, "--rejects", out + ".rejects", "--quiet", "--no-gates"]
            for source in sources:
                command += ["--input", source]
            subprocess.run(command, check=True)
            return test_winnow_spark.essentials(out), test_winnow_spark.essentials(out + ".rejects")

        def submit(pipeline, sources, name, partitions, kill=None):
            output = os.path.join(work, "spark-" + name)
            command = [os.path.join(cluster.home, "bin", "spark-submit"), "--master", cluster.url,
                       "--archives", dist + ".tar.gz#w", "--conf", "spark.ui.enabled=false",
                       "--conf", "spark.executor.memory=1g", "--conf", "spark.task.maxFailures=4",
                       os.path.join(HERE, "winnow_spark.py"), *sources, "--pipeline", pipeline, "--winnow", dist,
                       "--shipped", "w/winnow/winnow", "--output", output, "--partitions", str(partitions)]
            log = open(os.path.join(work, name + ".submit.log"), "wb")
            at = time.time()
            job = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=cluster.env)
            killed = None
            while job.poll() is None:
                if kill and killed is None:
                    worker = cluster.processes[kill]
                    running = [c for _, c in descendants(worker.pid) if "winnow" in c and " dedup " in c]
                    if running:
                        cluster.kill(kill)
                        killed = time.time() - at
                        print(f"spark-cluster-test: killed {kill} (its executor and its winnow: {running[0].split()[1:3]}) "
                              f"{killed:.1f} s into the run", flush=True)
                time.sleep(0.1)
            if job.returncode != 0:
                with open(os.path.join(work, name + ".submit.log"), errors="replace") as f:
                    tail = f.read()[-3000:]
                raise RuntimeError(f"spark-submit for {name} failed ({job.returncode}):\n{tail}")
            if kill and killed is None:
                failures.append(f"{name}: no winnow ran on {kill}: the worker was not killed")
            clean = test_winnow_spark.essentials(os.path.join(output, "clean", "part-*"))
            rejects = test_winnow_spark.essentials(os.path.join(output, "rejects", "part-*"))
            return clean, rejects, time.time() - at

        runs = [
            ("ko-news on samples/ (pages, learned boilerplate)", os.path.join(ROOT, "pipelines", "ko-news.yaml"),
             [os.path.join(ROOT, "samples")], "ko-news", 2, None),
            ("web.yaml on JSONL", os.path.join(ROOT, "pipelines", "web.yaml"), inputs, "web", 2, None),
            ("dedup pipeline on JSONL, worker1 killed mid-run", os.path.join(HERE, "test", "pipeline.yaml"), inputs,
             "dedup-killed", 4, "worker1"),
        ]
        for label, pipeline, sources, name, partitions, kill in runs:
            want_clean, want_rejects = reference(pipeline, sources, name)
            clean, rejects, seconds = submit(pipeline, sources, name, partitions, kill)
            same = clean == want_clean and rejects == want_rejects
            print(f"spark-cluster-test: {label}: {sum(clean.values())} kept, {sum(rejects.values())} rejected in "
                  f"{seconds:.1f} s: {'same as winnow run' if same else 'DIFFERENT'}", flush=True)
            if not same:
                failures.append(f"{label}: output differs from winnow run")
    finally:
        cluster.down()
    for failure in failures:
        print("FAILED: " + failure)
    print(f"spark-cluster-test: {'ok' if not failures else 'FAILED'} (3 submits to a standalone cluster, "
          f"{time.time() - started:.0f} s)")
    test_winnow_spark.finish(work, failures, "spark-cluster-test")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
