"""`policy-assistant` — one CLI with subcommands.

Each group of subcommands lives in its own module (cli_index, cli_answer, cli_calc,
cli_web, cli_eval) that exposes ``register(subparsers, parents)``; handlers take the
parsed args and return an exit code. Heavy imports happen inside handlers so that
``--help`` is instant. Library errors become one clear English line here, at the edge.
"""
from __future__ import annotations

import argparse
import importlib
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
)


def common_options() -> argparse.ArgumentParser:
    """Options every subcommand accepts; each defaults to its environment variable."""
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("common options (default: environment, see README)")
    g.add_argument("--data-dir", help="index, sessions and caches (env POLICY_DATA_DIR, default ./data)")
    g.add_argument("--corpus", dest="corpus_dir", help="documents folder (env POLICY_CORPUS_DIR, default ./corpus)")
    g.add_argument("--embed-model", help="embedding model (env POLICY_EMBED_MODEL, default m3e-small)")
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
        chroma_url=getattr(args, "chroma_url", None),
        as_of_text=getattr(args, "as_of_text", None),
    )


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


if __name__ == "__main__":
    sys.exit(main())
