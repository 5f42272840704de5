"""`ask` and `chat`: answers in the terminal.

    policy-assistant ask "问题" [--json] [--session ID] [--as-of DATE]
    policy-assistant chat [--session ID]        interactive; /new, /quit, EOF exits

Both print the active mode (default / llm) on stderr so --json output stays clean.
"""
from __future__ import annotations

import json
import sys


def register(sub, parents) -> None:
    p = sub.add_parser("ask", parents=parents, help="answer one question (Chinese) with verified citations")
    p.add_argument("question", help="the question, e.g. \"工业设计中心省级奖励多少？\"")
    p.add_argument("--json", action="store_true", help="print the full Answer as JSON")
    p.add_argument("--session", metavar="ID", help="continue (or start) the conversation with this id")
    p.add_argument("--no-server", action="store_true",
                   help="answer in this process even when a server on POLICY_SERVER_URL (default "
                        "http://127.0.0.1:7860) serves the same index")
    p.set_defaults(handler=ask_command)

    c = sub.add_parser("chat", parents=parents, help="interactive conversation in the terminal")
    c.add_argument("--session", metavar="ID", help="continue the conversation with this id")
    c.set_defaults(handler=chat_command)


def _mode_line(assistant) -> str:
    if assistant.llm is not None:
        return f"mode: llm ({getattr(assistant.llm, 'label', '')}); falls back to the built-in answerer on errors"
    return "mode: default (built-in answerer, no LLM)"


def citation_lines(citations) -> list[str]:
    """One numbered line per clause (the number is the clause's reference [n], see
    assistant/citations.py), its verified quotes indented under it."""
    from assistant.answer.citations import reference_numbers

    groups: dict[str, list] = {}
    for c in citations:
        groups.setdefault(c.clause_id, []).append(c)
    out = []
    for cid, n in reference_numbers(citations).items():
        first = groups[cid][0]
        out.append(f"[{n}] {first.line}  ({cid}, {first.validity})")
        quotes = list(dict.fromkeys(" ".join(c.quote.split()) for c in groups[cid]))
        # a quote inside another quote of the clause (the reward part of its sentence) adds nothing
        for quote in quotes:
            if not any(quote != other and quote in other for other in quotes):
                out.append(f"    “{quote}”")
    return out


def render(answer) -> str:
    """Answer → terminal text: the answer, then the verified citations and warnings."""
    out = [answer.answer]
    if answer.citations:
        out.append("")
        out.append("引用（已与原文逐字核对）：")
        out.extend(citation_lines(answer.citations))
    if answer.rewritten_question:
        out.append(f"（理解为：{answer.rewritten_question}）")
    if answer.session_id:
        out.append(f"[session {answer.session_id} · mode {answer.mode}]")
    return "\n".join(out)


def ask_command(args, settings) -> int:
    if not getattr(args, "no_server", False):
        from assistant.cli.remote import answer_from_dict, server_answer

        found = server_answer(settings, args.question, args.session)
        if found is not None:  # a running server holds this index warm: seconds saved, same answer
            answer, url = found
            print(f"mode: {answer.get('mode', 'default')} (answered by the running server at {url}, same index; "
                  "--no-server answers here)", file=sys.stderr)
            print(json.dumps(answer, ensure_ascii=False, indent=2) if args.json else render(answer_from_dict(answer)))
            return 0
    from assistant.chat.assistant import get_assistant
    from index.store.embeddings import prefetch_query_embedder

    prefetch_query_embedder(settings)  # the question model loads beside the index (cold start)
    assistant = get_assistant(settings)
    print(_mode_line(assistant), file=sys.stderr)
    answer = assistant.ask(args.question, session_id=args.session)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render(answer))
    return 0


def chat_command(args, settings, stdin=None, stdout=None) -> int:
    from assistant.chat.assistant import get_assistant
    from index.errors import PolicyAssistantError

    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    assistant = get_assistant(settings)
    session = args.session or assistant.new_session()
    print(f"政策助手 · {_mode_line(assistant)}", file=stdout)
    print(f"会话 {session}；输入问题回车提问，/new 开始新会话，/quit 退出。", file=stdout)
    while True:
        print("> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:  # EOF
            print("", file=stdout)
            return 0
        text = line.strip()
        if not text:
            continue
        if text in ("/quit", "/exit", "/q"):
            return 0
        if text == "/new":
            session = assistant.new_session()
            print(f"已开始新会话 {session}", file=stdout)
            continue
        try:
            answer = None
            for item in assistant.stream(text, session_id=session):
                if isinstance(item, str):
                    print(item, end="", file=stdout, flush=True)
                else:
                    answer = item
            print("", file=stdout)
            if answer is not None and answer.citations:
                for line in citation_lines(answer.citations):
                    print(line, file=stdout)
        except PolicyAssistantError as exc:
            # bad input must not end the conversation
            print(f"error: {exc} ({exc.zh})", file=stdout)
