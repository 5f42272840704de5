"""`policy-assistant serve`: options, auth parsing, clear errors before anything binds."""
from __future__ import annotations

import socket

import pytest

from assistant.cli.main import main
from assistant.cli.serve import parse_auth
from index.errors import ConfigError


def test_parse_auth():
    assert parse_auth("staff:pa:ss") == ("staff", "pa:ss")  # the password may hold a colon
    assert parse_auth("") is None and parse_auth(None) is None
    for bad in ("staff", "staff:", ":secret"):
        with pytest.raises(ConfigError):
            parse_auth(bad)


def test_serve_reports_bad_options_in_english(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_WEB_AUTH", "no-colon")
    assert main(["serve", "--data-dir", str(tmp_path)]) == 2
    assert "user:password" in capsys.readouterr().err
    monkeypatch.delenv("POLICY_WEB_AUTH")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port), "--data-dir", str(tmp_path)]) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
