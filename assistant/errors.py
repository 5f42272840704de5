"""The errors of answering (quotes, the LLM, question sets); the base class and the errors the
index layer raises (config, documents, input) are ``index.errors``."""
from __future__ import annotations

from index.errors import PolicyAssistantError


class QuoteMismatchError(PolicyAssistantError):
    """A quote did not match its source span; it must never be shown."""

    zh = "引用核验未通过，已隐去该引用。"


class LLMError(PolicyAssistantError):
    zh = "大模型服务暂不可用，已改用内置答复。"


class QuestionSetError(PolicyAssistantError):
    """A question-set file (JSONL) that cannot be used: names the file and the line."""

    zh = "评测题集格式有误。"

    def __init__(self, path: str, line: int, reason: str):
        super().__init__(f"{path}:{line}: {reason}", f"评测题集 {path} 第{line}行有误：{reason}")
        self.path = path
        self.line = line
        self.reason = reason
