"""What the benchmark scripts share: a free port, waiting for a server's admin /healthcheck, and
rewriting one marked section of bench/README.md."""
import http.client, socket, sys, time
from pathlib import Path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(admin_port, proc, log, name="tessera", path="/healthcheck"):
    """Returns once the admin port answers 200 on `path`; exits with the log's tail if the
    process ends first or 30 s pass."""
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"error: {name} exited with {proc.returncode}:\n{Path(log).read_text()[-2000:]}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", admin_port, timeout=1)
            c.request("GET", path)
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.02)
    sys.exit(f"error: {name} did not become healthy in 30 s")


def write_section(readme, name, title, text):
    """Replaces the text between `<!-- name:begin -->` and `<!-- name:end -->` in `readme`,
    adding the section under `### title` at the end when it is not there yet."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    content = readme.read_text()
    if begin not in content:
        content += f"\n### {title}\n\n{begin}\n{end}\n"
    head, rest = content.split(begin, 1)
    readme.write_text(f"{head}{begin}\n{text}\n{end}{rest.split(end, 1)[1]}")
    print(f"wrote {readme}")
