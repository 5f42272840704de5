"""Numeric settings read from the environment: blank → the default, a number → that number,
anything else → ConfigError naming the variable (never a bare ValueError, never a silent default)."""
import pytest

from index.config import Settings, env_number
from index.errors import ConfigError


def test_blank_gives_default_and_text_gives_number(monkeypatch):
    monkeypatch.setenv("POLICY_TEST_NUMBER", "  ")
    assert env_number("POLICY_TEST_NUMBER", 7, "things") == 7.0
    monkeypatch.setenv("POLICY_TEST_NUMBER", "2.5")
    assert env_number("POLICY_TEST_NUMBER", 7, "things") == 2.5


@pytest.mark.parametrize("name, field", [
    ("POLICY_LLM_TIMEOUT", "llm_timeout"),
    ("POLICY_MAX_QUESTION_CHARS", "max_question_chars"),
    ("POLICY_SESSION_TTL_DAYS", "session_ttl_days"),
])
def test_settings_read_numbers_and_name_a_bad_one(monkeypatch, name, field):
    monkeypatch.setenv(name, "12")
    assert getattr(Settings(), field) == 12
    monkeypatch.setenv(name, "twelve")
    with pytest.raises(ConfigError, match=name):
        Settings()


def test_session_cap_names_a_bad_value(monkeypatch, tmp_path):
    from assistant.chat.sessions import SessionStore

    monkeypatch.setenv("POLICY_MAX_SESSIONS", "3")
    assert SessionStore(tmp_path).max_sessions == 3
    monkeypatch.setenv("POLICY_MAX_SESSIONS", "many")
    with pytest.raises(ConfigError, match="POLICY_MAX_SESSIONS"):
        SessionStore(tmp_path)
