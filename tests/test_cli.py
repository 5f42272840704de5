"""The CLI root: help is instant (no heavy imports), bad options are clean errors."""
import subprocess
import sys

from assistant.cli.main import main


def test_help_lists_subcommands_without_loading_models():
    code = (
        "import sys\n"
        "from assistant.cli.main import build_parser\n"
        "build_parser().format_help()\n"
        "heavy = [m for m in ('torch', 'chromadb', 'sentence_transformers', 'gradio') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_command_group_is_present():
    from assistant.cli.main import build_parser

    help_text = build_parser().format_help()
    for command in ("ingest", "docs", "search", "ask", "chat", "calc", "rules", "serve", "eval"):
        assert command in help_text, command


def test_bad_as_of_is_a_clean_english_error(capsys):
    assert main(["docs", "--as-of", "21/11/2026"]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "YYYY-MM-DD" in err
