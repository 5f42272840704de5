"""Named errors. The library raises them with what was wrong and where; the CLI,
API and web UI turn them into a clear message (English for the CLI, Chinese for the UI).
Each carries ``zh``: the Chinese message a user sees."""
from __future__ import annotations


class PolicyAssistantError(Exception):
    """Base class. ``str(err)`` is English; ``err.zh`` is the Chinese message for users."""

    zh = "系统出现错误，请稍后再试。"

    def __init__(self, message: str, zh: str | None = None):
        super().__init__(message)
        if zh:
            self.zh = zh


class ConfigError(PolicyAssistantError):
    zh = "配置有误，请检查设置。"


class DocumentError(PolicyAssistantError):
    """A file that cannot be read as a policy document (empty, binary, undecodable, no text)."""

    zh = "文件无法读取为政策文件。"

    def __init__(self, path: str, reason: str, zh: str | None = None):
        super().__init__(f"{path}: {reason}", zh or f"文件 {path} 无法读取：{reason}")
        self.path = path
        self.reason = reason


class IndexNotBuiltError(PolicyAssistantError):
    zh = "知识库尚未建立，请先运行 policy-assistant ingest。"


class IndexBuildError(PolicyAssistantError):
    zh = "知识库构建失败，原有知识库保持不变。"


class InputError(PolicyAssistantError):
    """Bad user input: empty or over-long question, wrong type, unknown clause id."""

    zh = "输入有误。"


class FigureTooLargeError(InputError):
    """A figure (or a result computed from it) with more significant digits than amounts are
    computed to: refused rather than rounded."""

    zh = "金额过大：数字超出可精确计算的范围，请核对输入的数字。"
