"""A read-only and a full data dir, made with real mounts (a read-only bind mount; a small
tmpfs filled up); skipped with the reason where this machine does not allow mounting.
Never a 500: the API answers 503 with the reason, or answers and says nothing was saved."""
from __future__ import annotations

import contextlib
import shutil
import subprocess
import time

import httpx
import pytest

from assistant.chat.sessions import NOT_SAVED
from tests.web.conftest import serve

pytestmark = pytest.mark.slow
TOPIC = "建设物流公共信息平台，投资800万元，能拿到多少补助？"


@contextlib.contextmanager
def mounted(args: list[str], target):
    target.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", *args, str(target)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount here ({r.stderr.strip() or r.returncode}); run as root to test disks")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def _ready(c):
    for _ in range(600):
        h = c.get("/healthz")
        if h.json()["status"] != "starting":
            return h
        time.sleep(0.2)
    raise AssertionError("never left starting")


def _no_500(c):
    out = {}
    for name, r in [("ask", c.post("/api/ask", json={"question": TOPIC})),
                    ("search", c.get("/api/search", params={"q": "物流 补助"})),
                    ("documents", c.get("/api/documents"))]:
        assert r.status_code in (200, 503), (name, r.status_code, r.text[:200])
        assert r.headers["content-type"].startswith("application/json")
        if r.status_code == 503:
            assert r.json()["message_zh"]
        out[name] = r
    return out


def test_a_read_only_data_dir_is_reported_and_never_a_500(kb, settings, tmp_path):
    from assistant.web.api import create_app

    source = tmp_path / "data"
    shutil.copytree(settings.index_dir, source / "index", symlinks=True)
    with mounted(["--bind", "-o", "ro", str(source)], tmp_path / "ro") as ro:
        ro_settings = settings.with_(data_dir=ro)
        with serve(create_app(ro_settings, ui=False)) as url, httpx.Client(base_url=url, timeout=120) as c:
            h = _ready(c)
            assert h.json()["status"] == "degraded"
            assert any(r.startswith("disk:") for r in h.json()["reasons"]), h.json()
            out = _no_500(c)
            if out["ask"].status_code == 200:
                assert NOT_SAVED in out["ask"].json()["warnings"]
            else:
                assert h.status_code == 503 and any(r.startswith("index:") for r in h.json()["reasons"])


def test_a_full_disk_still_answers_and_says_nothing_was_saved(kb, settings, tmp_path):
    from assistant.web.api import create_app

    size = sum(p.stat().st_size for p in settings.index_dir.rglob("*") if p.is_file())
    with mounted(["-t", "tmpfs", "-o", f"size={size + 4 * 1024 * 1024}", "tmpfs"], tmp_path / "full") as full:
        shutil.copytree(settings.index_dir, full / "index", symlinks=True)
        with open(full / "filler", "wb") as f:  # fill every byte left
            with contextlib.suppress(OSError):
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
        full_settings = settings.with_(data_dir=full)
        with serve(create_app(full_settings, ui=False)) as url, httpx.Client(base_url=url, timeout=120) as c:
            h = _ready(c)
            assert h.json()["status"] == "degraded" and any(r.startswith("disk:") for r in h.json()["reasons"])
            out = _no_500(c)
            if out["ask"].status_code == 200:
                assert NOT_SAVED in out["ask"].json()["warnings"] and out["ask"].json()["citations"]


def test_cli_on_a_read_only_data_dir_prints_one_line(kb, settings, tmp_path, capsys):
    from assistant.cli.main import main

    source = tmp_path / "data"
    shutil.copytree(settings.index_dir, source / "index", symlinks=True)
    with mounted(["--bind", "-o", "ro", str(source)], tmp_path / "ro") as ro:
        for argv in (["search", "物流 补助"], ["ask", "物流公共信息平台有什么补助？"]):
            code = main([*argv, "--data-dir", str(ro), "--corpus", str(settings.corpus_dir),
                         "--as-of", "2026-11-21"])
            err = capsys.readouterr().err
            assert "Traceback" not in err
            assert code == 0 or (code in (1, 2) and "error: " in err and "read-only" in err), (code, err)
