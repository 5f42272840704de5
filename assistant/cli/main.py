"""`policy-assistant` — one CLI with subcommands.

Each group of subcommands lives in its own module (cli_index, cli_answer, cli_calc,
cli_web, cli_eval) that exposes ``register(subparsers, parents)``; handlers take the
parsed args and return an exit code. Heavy imports happen inside handlers so that
``--help`` is instant. Library errors become one clear English line here, at the edge, and
so does everything else: text that is not valid UTF-8 (in arguments or on stdin, surfacing
as lone surrogates), a figure too large to compute, a disk that cannot be written, and any
unexpected fault (one line, exit 1; the traceback only with POLICY_DEBUG=1).
"""
from __future__ import annotations

import argparse
import importlib
import io
import os
import re
import sys

from index.config import Settings
from index.errors import PolicyAssistantError

COMMAND_MODULES = (
    "assistant.cli.library",  # ingest, docs, search
    "assistant.cli.answer",  # ask, chat
    "assistant.cli.calc",  # calc, rules
    "assistant.cli.serve",  # serve
    "assistant.cli.evaluate",  # eval
    "assistant.cli.match",  # match
    "assistant.cli.feedback",  # feedback
    "assistant.cli.documents",  # doc-log
)


def common_options() -> argparse.ArgumentParser:
    """Options every subcommand accepts; each defaults to its environment variable."""
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("common options (default: environment, see README)")
    g.add_argument("--data-dir", help="index, sessions and caches (env POLICY_DATA_DIR, default ./data)")
    g.add_argument("--corpus", dest="corpus_dir", help="documents folder (env POLICY_CORPUS_DIR, default ./corpus)")
    g.add_argument("--embed-model", help="embedding model (env POLICY_EMBED_MODEL, default m3e-small)")
    g.add_argument("--embed-backend", choices=("torch", "onnx-int8"),
                   help="embedding backend (env POLICY_EMBED_BACKEND, default torch)")
    g.add_argument("--chroma-url", help="Chroma server http://host:port (env POLICY_CHROMA_URL; unset = embedded)")
    g.add_argument("--as-of", dest="as_of_text", metavar="YYYY-MM-DD",
                   help="judge validity at this date (env POLICY_AS_OF, default today)")
    return p


def settings_from_args(args: argparse.Namespace) -> Settings:
    from pathlib import Path

    s = Settings()
    return s.with_(
        data_dir=Path(args.data_dir) if getattr(args, "data_dir", None) else None,
        corpus_dir=Path(args.corpus_dir) if getattr(args, "corpus_dir", None) else None,
        embed_model=getattr(args, "embed_model", None),
        embed_backend=getattr(args, "embed_backend", None),
        chroma_url=getattr(args, "chroma_url", None),
        as_of_text=getattr(args, "as_of_text", None),
    )


_SURROGATE = re.compile("[\ud800-\udfff]")
ENCODING_HINT = "check the terminal's encoding (e.g. LANG=C.UTF-8)"


def undecodable_argument(args: argparse.Namespace) -> str | None:
    """The name of the first argument whose text holds a lone surrogate: bytes that were not
    valid UTF-8 on the command line (Python keeps them as surrogates) or a stray half pair."""
    for name, value in vars(args).items():
        values = value if isinstance(value, (list, tuple)) else [value]
        if any(isinstance(v, str) and _SURROGATE.search(v) for v in values):
            return name
    return None


class CleanLines(io.TextIOBase):
    """stdin for the handlers: lines that are not valid UTF-8 lose the bytes that cannot be
    read (with a warning on stderr) instead of ending the program with a UnicodeDecodeError."""

    def __init__(self, raw, err=None):
        self._raw = raw  # a binary stream
        self._err = err or sys.stderr

    def readable(self) -> bool:
        return True

    def _clean(self, data: bytes) -> str:
        text = data.decode("utf-8", errors="surrogateescape")
        if _SURROGATE.search(text):
            print("warning: input was not valid UTF-8; the bytes that could not be read were "
                  f"dropped ({ENCODING_HINT})", file=self._err)
            text = _SURROGATE.sub("", text)
        return text

    def readline(self, size=-1) -> str:
        return self._clean(self._raw.readline(size))

    def read(self, size=-1) -> str:
        return self._clean(self._raw.read(size))

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policy-assistant",
        description="政策助手: answers questions about Chinese industrial policy with verified clause citations.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parents = [common_options()]
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, parents)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    bad = undecodable_argument(args)
    if bad is not None:
        print(f"error: the {bad.replace('_', ' ')} argument holds bytes that are not valid UTF-8 text; "
              f"{ENCODING_HINT}", file=sys.stderr)
        return 2
    restore = sys.stdin
    if getattr(sys.stdin, "buffer", None) is not None:
        sys.stdin = CleanLines(sys.stdin.buffer)
    try:
        # settings are validated here so a bad --as-of is a clean error, not a traceback
        settings = settings_from_args(args)
        settings.as_of  # noqa: B018 - validates the date
        return int(args.handler(args, settings) or 0)
    except PolicyAssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except ArithmeticError:
        print("error: a figure is too large or malformed to compute exactly; check the numbers",
              file=sys.stderr)
        return 2
    except UnicodeError as exc:
        print(f"error: text that is not valid UTF-8 ({type(exc).__name__}); {ENCODING_HINT}",
              file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader stopped reading (`… | head`): end quietly as other command-line tools do, and
        # point stdout at nothing so the interpreter's last flush does not complain either
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        print(f"error: cannot access{where}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - one line at the edge, never a traceback
        if os.environ.get("POLICY_DEBUG"):
            raise
        from assistant.web.service import storage_failure

        if storage_failure(exc):
            print(f"error: the index storage cannot be used (is the data dir read-only or full?): "
                  f"{type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
        print(f"error: unexpected {type(exc).__name__}: {exc} (set POLICY_DEBUG=1 for the traceback)",
              file=sys.stderr)
        return 1
    finally:
        sys.stdin = restore


if __name__ == "__main__":
    sys.exit(main())
