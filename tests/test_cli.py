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


def test_a_reader_that_stops_early_gets_no_error_line(kb, settings):
    """`policy-assistant rules | head -1`: the closed pipe ends the command quietly (no
    'Broken pipe' line, no traceback from the interpreter's last flush)."""
    import os

    env = {**os.environ, "POLICY_DATA_DIR": str(settings.data_dir), "POLICY_AS_OF": settings.as_of_text}
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "rules"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader goes away after one line, as `head -1` does
    err = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=120) == 0
    assert first.strip(), "the command printed nothing before the pipe closed"
    assert "pipe" not in err.lower() and "Traceback" not in err, err
