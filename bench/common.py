"""What the benchmark scripts share: a free port, and waiting for a server's admin /healthcheck."""
import http.client, socket, sys, time
from pathlib import Path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(admin_port, proc, log, name="tessera"):
    """Returns once the admin port answers 200 on /healthcheck; exits with the log's tail if the
    process ends first or 30 s pass."""
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"error: {name} exited with {proc.returncode}:\n{Path(log).read_text()[-2000:]}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", admin_port, timeout=1)
            c.request("GET", "/healthcheck")
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.02)
    sys.exit(f"error: {name} did not become healthy in 30 s")
