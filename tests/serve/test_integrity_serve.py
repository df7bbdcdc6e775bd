"""Issue 20's first acceptance line, against a real ``kb serve`` on loopback with a build of the
project's content/: truncating the document store or any Whoosh file of the live release (which the
server has open) leaves the server up, answering 503 ``index_damaged`` naming the file and serving the
site; ``kb verify`` names the file; the next ``kb build`` publishes a healthy release and search works."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from kb.build.releases import current_release
from tests.conftest import CONTENT, ROOT
from tests.servers import answers, free_port, running
from tests.servers import kb as kb_command


def kb(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kb", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.slow  # real kb build and kb serve processes, a build per case
@pytest.mark.parametrize("victim", ["documents-0.pickle", "segment", "toc"])
def test_a_truncated_file_of_the_live_release_is_answered_index_damaged_and_a_rebuild_heals(
    victim: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert kb("build", "--content", CONTENT, "--build", out, "--jobs", "1", "--quiet").returncode == 0
    release = current_release(out)
    assert release is not None
    suffix = {"segment": ".seg", "toc": ".toc"}.get(victim)
    name = victim if suffix is None else next(p.name for p in (release / "index").iterdir() if p.suffix == suffix)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = kb_command("serve", "--build", str(out), "--port", str(port))
    with running(cmd, answers(base + "/api/health", (200,))) as server:
        # Read through every file first, as a server that has been answering does (the store and
        # segment opened), then truncate the file under it.
        assert httpx.get(f"{base}/api/search", params={"q": "assinatura"}, timeout=30).json()["total"] == 1
        os.truncate(release / "index" / name, 64)
        for path in ("/api/search?q=assinatura", "/api/search?q=canais", "/api/topics"):
            r = httpx.get(base + path, timeout=30)
            assert r.status_code == 503, (path, r.text)
            error = r.json()["error"]
            assert error["code"] == "index_damaged" and f"index/{name}" in error["message"], error
            assert str(tmp_path) not in r.text  # the file relative to the release, never its absolute path
        health = httpx.get(f"{base}/api/health", timeout=30)
        assert health.status_code == 503 and health.json()["status"] == "damaged"
        assert health.json()["files"] == [f"index/{name}"]
        for page in ("/", "/pt-br/", "/pt-br/multichannel-support-21vianet/"):
            assert httpx.get(base + page, timeout=30).status_code == 200, page
        assert server.poll() is None, "the server died"

        verify = kb("verify", "--build", out)
        assert verify.returncode == 1 and f"damaged: index/{name} is 64 bytes" in verify.stdout, verify

        rebuilt = kb("build", "--content", CONTENT, "--build", out, "--jobs", "1", "--quiet")
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert f"index/{name}" in rebuilt.stdout and "written afresh" in rebuilt.stdout
        r = httpx.get(f"{base}/api/search", params={"q": "assinatura"}, timeout=30)
        assert r.status_code == 200 and r.json()["total"] == 1
        assert httpx.get(f"{base}/api/health", timeout=30).json()["status"] == "ok"
        assert kb("verify", "--build", out).returncode == 0
        assert server.poll() is None
