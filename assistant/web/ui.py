"""The Gradio web UI (all text in Chinese): ``build_ui(service) -> gr.Blocks``.

Four tabs: 政策问答 (streaming chat with citation cards), 条款检索 (hotline staff:
filters, scores, one-click copy), 补贴计算器 and 文件库 — the last three live in
``assistant.web_tools``. HTML comes from ``assistant.web_render`` (everything escaped).
Mounted on the FastAPI app by ``assistant.api.create_app``; started by ``serve``.
"""
from __future__ import annotations

import gradio as gr

from index.errors import PolicyAssistantError
from assistant.records import Answer
from assistant.web.message import answer_message
from assistant.web.render import UI_MAX_CHARS, citation_cards, esc, lines, mode_label, notice, shown, user_message
from assistant.web.service import Service

# Suggestions an owner can click; answered by the general pipeline like any question.
EXAMPLE_QUESTIONS = [
    "泉州的工业设计中心被评为省级，奖励多少？",
    "泉州开发区企业购买工业机器人有什么补贴？",
    "嘉兴对两业融合试点企业有哪些奖励？",
    "潍坊的制造业高质量发展政策现在还有效吗？",
]

# Local fonts only: the UI must not reach a font CDN at run time.
_FONTS = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "ui-sans-serif",
          "system-ui", "sans-serif"]

THEME_CSS = """
.pa-header h1 {margin: 0 0 4px 0;}
.pa-modebar {display:flex; gap:12px; align-items:center; flex-wrap:wrap; font-size:14px;}
.pa-pill {padding:2px 10px; border-radius:12px; background:#eef2ff; color:#3730a3;}
.pa-badge {display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; margin-right:8px;
           color:#fff; white-space:nowrap;}
.pa-valid {background:#16a34a;} .pa-expired {background:#dc2626;} .pa-notyet {background:#d97706;}
.pa-unknown {background:#6b7280;}
.pa-card {border:1px solid #d1d5db; border-radius:8px; padding:6px 10px; margin:6px 0; background:#fafafa;}
.pa-card summary {cursor:pointer; font-weight:600;}
.pa-quotes {font-weight:normal; font-size:13px; color:#4b5563; margin:2px 0 0 20px; padding-left:0; list-style:none;}
.pa-quotes li {margin:2px 0;}
.pa-ref {color:#1d4ed8; margin-right:4px;}
.pa-meta {display:flex; flex-wrap:wrap; gap:4px 14px; font-size:12px; color:#374151; margin:6px 0;}
.pa-meta b {margin-right:4px; color:#6b7280; font-weight:normal;}
.pa-clause-text {line-height:1.7; font-size:14px;}
.pa-mark {background:#fde68a; padding:0 1px;}
.pa-warn {color:#b45309; font-size:13px; margin:4px 0;}
.pa-error {color:#b91c1c; font-size:14px; margin:4px 0;}
.pa-info {color:#1d4ed8; font-size:14px; margin:4px 0;}
.pa-cards-title, .pa-mode, .pa-count {font-size:12px; color:#6b7280; margin-top:6px;}
.pa-amount {font-size:22px; font-weight:700; color:#b91c1c;} .pa-amount small {font-size:13px; color:#6b7280;}
.pa-amount.pa-none {color:#6b7280; font-size:16px;}
.pa-calc {border-left:4px solid #f59e0b; padding:6px 10px; margin:8px 0; background:#fffbeb;}
.pa-hit {border:1px solid #e5e7eb; border-radius:8px; padding:8px 12px; margin:8px 0;}
.pa-hit-head {display:flex; gap:10px; align-items:center; font-size:13px; color:#4b5563;}
.pa-rank {font-weight:700; color:#111827;} .pa-cid {font-family:monospace; font-size:12px; color:#6b7280;}
.pa-line {font-weight:600; margin:4px 0;}
.pa-actions {margin-top:6px; display:flex; gap:8px;}
.pa-copy {border:1px solid #93c5fd; background:#eff6ff; color:#1d4ed8; border-radius:6px; padding:2px 10px;
          cursor:pointer; font-size:13px;}
.pa-copy.pa-done {background:#dcfce7; border-color:#86efac; color:#166534;}
.pa-node {margin-left:8px;} .pa-node summary {font-weight:600; cursor:pointer;}
.pa-leaf {margin:4px 0 8px 16px;}
.pa-doc-head {display:flex; gap:12px; align-items:center; flex-wrap:wrap;}
.pa-empty {color:#6b7280; padding:12px;}
.pa-verdict {font-size:18px; font-weight:700; margin:2px 0 6px 0;}
.pa-v-amount {color:#b91c1c;} .pa-v-no {color:#92400e;} .pa-v-expired {color:#6b7280;} .pa-v-info {color:#1f2937;}
.pa-carried {font-size:13px; color:#1d4ed8; background:#eff6ff; padding:2px 8px; border-radius:6px; display:inline-block;}
.pa-ref-only {border-left-color:#9ca3af; background:#f3f4f6;} .pa-ref-only .pa-amount {color:#6b7280;}
.pa-full summary, .pa-formula summary {cursor:pointer; color:#1d4ed8; font-size:13px;}
.pa-restored {font-size:12px; color:#6b7280;}
.pa-conds {margin:4px 0 0 0; padding-left:4px; list-style:none; font-size:13px;}
.pa-c-met {color:#166534;} .pa-c-not_met {color:#b91c1c;} .pa-c-unknown {color:#92400e;}
.pa-s-not_met {opacity:0.75;}
.pa-refmark {border:none; background:none; color:#1d4ed8; cursor:pointer; padding:0 1px; font-size:0.85em;
              vertical-align:super; line-height:1;}
.pa-refmark:hover {text-decoration:underline;}
.pa-card.pa-flash {outline:2px solid #f59e0b; transition:outline 0.3s;}
.pa-suggest {display:flex; flex-wrap:wrap; gap:6px; align-items:center; margin:8px 0 2px 0;}
.pa-suggest-title {font-size:12px; color:#6b7280;}
.pa-sugg {border:1px solid #c7d2fe; background:#eef2ff; color:#3730a3; border-radius:14px; padding:3px 10px;
          cursor:pointer; font-size:13px; text-align:left;}
.pa-sugg:hover {background:#e0e7ff;}
.pa-tools {display:flex; gap:8px; align-items:center; flex-wrap:wrap; margin-top:8px;}
.pa-fb {border:1px solid #d1d5db; background:#fff; border-radius:6px; padding:1px 8px; cursor:pointer; font-size:14px;}
.pa-fb.pa-chosen {background:#fef3c7; border-color:#f59e0b;}
.pa-fb-form {display:flex; gap:6px; align-items:flex-start; flex-wrap:wrap; width:100%;}
.pa-fb-form textarea {flex:1 1 220px; min-height:44px; font-size:13px; border:1px solid #d1d5db; border-radius:6px; padding:4px;}
.pa-fb-done {font-size:13px; color:#166534;}
.pa-payload {display:none !important;}
/* phones: tabs narrow enough that Gradio's own measurement fits all five in one row (no "⋯");
   the chat grows with its messages (the page is the one scroll, no box inside a box) and the
   input takes the full width, kept at the bottom of the screen */
@media (max-width: 640px) {
  .tab-container button {padding:4px 5px !important; font-size:14px !important; min-width:0 !important;}
  #pa-chat {height:auto !important; max-height:none !important; min-height:calc(100vh - 330px) !important;
            overflow:visible !important;}
  #pa-chat .wrapper, #pa-chat .bubble-wrap {height:auto !important; max-height:none !important;
            overflow:visible !important;}
  #pa-input-row {flex-wrap:wrap !important; position:fixed; left:0; right:0; bottom:0; z-index:20;
                 gap:6px !important; background:var(--background-fill-primary, #fff); padding:6px 12px !important;
                 box-shadow:0 -2px 6px rgba(0,0,0,0.08); margin:0 !important;}
  #pa-chat {margin-bottom:8px !important;}
  body {padding-bottom:130px !important;}  /* room for the input fixed at the bottom */
  #pa-input-row > .block, #pa-input-row > .column, #pa-question {flex:1 1 100% !important; min-width:100% !important;
                 width:100% !important;}
  #pa-input-buttons {flex-direction:row !important; gap:6px !important;}
  #pa-input-buttons > button {flex:1 1 0 !important;}
}
"""

# One delegated listener: copy buttons are plain HTML (no inline handlers to sanitize away).
_COPY_JS = """
<script>
(function () {
  function fallback(text) {
    var t = document.createElement('textarea');
    t.value = text; t.style.position = 'fixed'; t.style.opacity = '0';
    document.body.appendChild(t); t.select();
    try { document.execCommand('copy'); } catch (e) {}
    document.body.removeChild(t);
  }
  document.addEventListener('click', function (ev) {
    var b = ev.target && ev.target.closest ? ev.target.closest('.pa-copy') : null;
    if (!b) return;
    var text = b.getAttribute('data-copy');
    if (text === null) {  // in the chat (no data-* there): the hidden payload lines beside it
      var box = b.parentElement;
      text = Array.prototype.map.call(box ? box.querySelectorAll('.pa-p-copy') : [],
                                      function (x) { return x.textContent; }).join('\\n');
    }
    var old = b.getAttribute('data-label') || b.textContent;
    b.setAttribute('data-label', old);
    function done() {
      b.textContent = '已复制'; b.classList.add('pa-done');
      setTimeout(function () { b.textContent = old; b.classList.remove('pa-done'); }, 1500);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else { fallback(text); done(); }
  });
  // [n] in an answer: open its citation card and bring it into view
  document.addEventListener('click', function (ev) {
    var m = ev.target && ev.target.closest ? ev.target.closest('.pa-refmark') : null;
    if (!m) return;
    ev.preventDefault();
    var msg = m.closest('.pa-msg');
    var ref = m.textContent.trim();
    var card = null;
    (msg ? msg.querySelectorAll('details.pa-card') : []).forEach(function (d) {
      var r = d.querySelector('.pa-ref');
      if (!card && r && r.textContent.trim() === ref) card = d;
    });
    if (!card) return;
    card.open = true;
    card.scrollIntoView({block: 'center', behavior: 'smooth'});
    card.classList.add('pa-flash');
    setTimeout(function () { card.classList.remove('pa-flash'); }, 1600);
  });
  // phones: the page is the chat's one scroll, so a new question is brought to the top of the
  // screen with its answer below it (the chat's own auto-scroll only moves its inner box)
  var seen = 0;
  new MutationObserver(function () {
    if (window.innerWidth > 640) return;
    var qs = document.querySelectorAll('#pa-chat .pa-q');
    if (qs.length > seen) {
      seen = qs.length;
      qs[qs.length - 1].scrollIntoView({block: 'start', behavior: 'smooth'});
    } else if (qs.length < seen) { seen = qs.length; }
  }).observe(document.documentElement, {childList: true, subtree: true});
  // a suggested follow-up: sent at once, or (with blanks to fill) put in the box
  document.addEventListener('click', function (ev) {
    var s = ev.target && ev.target.closest ? ev.target.closest('.pa-sugg') : null;
    if (!s) return;
    var box = document.querySelector('#pa-question textarea');
    if (!box) return;
    var text = s.textContent.trim();
    var setter = Object.getOwnPropertyDescriptor(window.HTMLTextAreaElement.prototype, 'value').set;
    setter.call(box, text);
    box.dispatchEvent(new Event('input', {bubbles: true}));
    if (s.classList.contains('pa-sugg-fill')) {
      box.focus();
      var at = text.indexOf('\uff3f');
      if (at >= 0) box.setSelectionRange(at, at + 1);
    } else {
      setTimeout(function () { var b = document.querySelector('#pa-send'); if (b) b.click(); }, 50);
    }
  });
  // 👍/👎: an optional comment, then one record in feedback.jsonl through /api/feedback
  document.addEventListener('click', function (ev) {
    var b = ev.target && ev.target.closest ? ev.target.closest('.pa-fb, .pa-fb-send') : null;
    if (!b) return;
    var tools = b.closest('.pa-tools');
    if (!tools) return;
    if (b.classList.contains('pa-fb')) {
      tools.querySelectorAll('.pa-fb').forEach(function (x) { x.classList.remove('pa-chosen'); });
      b.classList.add('pa-chosen');
      tools.setAttribute('data-rating', b.classList.contains('pa-fb-down') ? 'down' : 'up');
      if (!tools.querySelector('.pa-fb-form')) {
        var form = document.createElement('div');
        form.className = 'pa-fb-form';
        var area = document.createElement('textarea');
        area.placeholder = '可选：说说哪里有帮助，或哪里不对（可不填）';
        area.maxLength = 1000;
        var send = document.createElement('button');
        send.type = 'button'; send.className = 'pa-copy pa-fb-send'; send.textContent = '提交评价';
        form.appendChild(area); form.appendChild(send);
        tools.appendChild(form);
        area.focus();
      }
      return;
    }
    function field(name) {
      var el = tools.querySelector('.pa-p-' + name);
      return el ? el.textContent : '';
    }
    var body = {
      rating: tools.getAttribute('data-rating') || 'up',
      question: field('question'),
      verdict: field('verdict'),
      comment: (tools.querySelector('.pa-fb-form textarea') || {}).value || '',
      session_id: field('session') || null,
      clause_ids: field('clauses').split(',').filter(Boolean),
      mode: field('mode'),
      as_of: field('asof')
    };
    b.disabled = true;
    fetch('api/feedback', {method: 'POST', headers: {'Content-Type': 'application/json'},
                           credentials: 'same-origin', body: JSON.stringify(body)})
      .then(function (r) { return r.json().then(function (j) { return [r.ok, j]; }); })
      .then(function (res) {
        var form = tools.querySelector('.pa-fb-form');
        var note = document.createElement('span');
        note.className = res[0] ? 'pa-fb-done' : 'pa-error';
        note.textContent = res[0] ? '感谢反馈，已记录。' : (res[1].message_zh || '提交失败，请稍后再试。');
        if (res[0] && form) form.remove(); else b.disabled = false;
        tools.appendChild(note);
      })
      .catch(function () { b.disabled = false; });
  });
})();
</script>
"""


def theme() -> gr.themes.Base:
    return gr.themes.Soft(primary_hue="blue", font=_FONTS,
                          font_mono=["WenQuanYi Micro Hei Mono", "ui-monospace", "monospace"])


def head_html() -> str:
    return _COPY_JS


def header_html(service: Service) -> str:
    """Title, active mode and the index status (with how to build it when missing)."""
    health = service.health()
    mode = mode_label(service.mode)
    if service.mode == "llm":
        mode += f"（{service.settings.llm_model}）"
    status = (f'已载入 {health["documents"]} 份文件、{health["clauses"]} 个条款' if health["index_loaded"]
              else "知识库未就绪")
    out = (f'<div class="pa-header"><h1>政策助手</h1><div class="pa-modebar">'
           f'<span class="pa-pill">当前模式：{esc(mode)}</span><span>{esc(status)}</span>'
           f'<span>有效性判断日期：{esc(service.as_of().isoformat())}</span></div>'
           '<div class="pa-mode">回答只依据已收录的政策原文，每条引用均与原文逐字核对；金额由计算器精确计算。</div></div>')
    if not health["index_loaded"]:
        out += notice(f'{health.get("message_zh", "")}建好后刷新本页面即可使用。', "error")
    return out


def render_answer(service: Service, answer: Answer) -> str:
    # screening is idempotent: every citation is re-verified right before it is shown
    answer = service.screen(answer)
    kb = service.kb
    regions = {c.clause_id: getattr(kb.documents.get(c.doc_id), "region", "") or "" for c in answer.citations}
    return answer_message(answer, citation_cards(answer.citations, kb), regions)


def _thinking(text: str = "") -> dict:
    body = lines(text) if text else "正在检索相关条款……"
    return {"role": "assistant", "content": f'<div class="pa-answer">{body}</div>'}


def restored(service: Service, sid) -> list[dict]:
    """The conversation of a session kept in the browser (localStorage), after a reload; an
    unknown or expired id starts over."""
    if not sid:
        return []
    try:
        turns = service.assistant.history(str(sid))
    except (PolicyAssistantError, OSError, ValueError):
        return []
    out: list[dict] = []
    for t in turns:
        out.append({"role": "user", "content": user_message(t.get("question", ""))})
        out.append({"role": "assistant", "content": f'<div class="pa-answer">{lines(t.get("answer", ""))}</div>'
                                                    '<div class="pa-restored">（已恢复的对话）</div>'})
    return out


def chat_tab(service: Service):
    # the session id lives in the browser's localStorage: a reload keeps the conversation
    session = gr.BrowserState(None, storage_key="pa-session-id")
    # no copy buttons: they would copy the message's HTML markup, not its text
    chatbot = gr.Chatbot(label="对话", height=540, elem_id="pa-chat", feedback_options=None, buttons=[],
                         placeholder="请在下方输入您的问题，例如企业投资某类项目能获得哪些补助。")
    with gr.Row(elem_id="pa-input-row"):
        # one line: Enter sends (a multi-line box would take Enter as a new line)
        question = gr.Textbox(show_label=False, lines=1, max_lines=4, scale=8, elem_id="pa-question",
                              max_length=UI_MAX_CHARS,
                              placeholder="请输入问题，按回车发送（可直接追问，如“那如果投资500万呢？”）")
        with gr.Column(scale=1, min_width=120, elem_id="pa-input-buttons"):
            send = gr.Button("发送", variant="primary", elem_id="pa-send")
            clear = gr.Button("清空对话", elem_id="pa-clear")
    status = gr.HTML(elem_id="pa-chat-status")
    gr.Examples(examples=[[q] for q in EXAMPLE_QUESTIONS], inputs=[question], label="示例问题（点击填入）")
    with gr.Accordion("高级选项", open=False):
        as_of = gr.Textbox(label="按此日期判断政策是否有效（YYYY-MM-DD，留空为默认日期）",
                           value=service.settings.as_of.isoformat(), elem_id="pa-asof")

    def respond(q, history, sid, day):
        history = list(history or [])
        try:
            q = service.check_question(q)
            service.as_of(day)  # a bad date is reported before anything is sent
            sid = sid or service.new_session()
        except PolicyAssistantError as exc:  # (the text stays in the box, a lone surrogate shown as �)
            yield history, shown(q) if isinstance(q, str) else q, sid, notice(exc.zh, "error")
            return
        history += [{"role": "user", "content": user_message(q)}, _thinking()]
        yield history, "", sid, ""
        text = ""
        try:
            for item in service.stream(q, session_id=sid, as_of=day):
                if isinstance(item, Answer):
                    sid = item.session_id or sid
                    history[-1] = {"role": "assistant", "content": render_answer(service, item)}
                else:
                    text += str(item)
                    history[-1] = _thinking(text)
                yield history, "", sid, ""
        except PolicyAssistantError as exc:
            # the question goes back into the box so nothing typed is lost
            history[-1] = {"role": "assistant", "content": notice(exc.zh, "error")}
            yield history, shown(q), sid, notice(exc.zh, "error")

    def reset(sid):
        try:
            service.clear(sid)
        except PolicyAssistantError:
            pass  # nothing to clear when the index (or session) is missing
        return [], "", None, notice("已清空对话，开始新的会话。", "info")

    io = dict(inputs=[question, chatbot, session, as_of], outputs=[chatbot, question, session, status])
    send.click(respond, **io)
    question.submit(respond, **io)
    clear.click(reset, inputs=[session], outputs=[chatbot, question, session, status])
    # the chat's own trash icon must also forget the conversation, not just hide it
    chatbot.clear(reset, inputs=[session], outputs=[chatbot, question, session, status])
    return lambda sid: restored(service, sid), [session], [chatbot]


def match_tab(service: Service):
    """政策匹配: an owner fills in what they know (every field optional) and gets the clauses of
    their region that may apply, what each needs, amounts where settled, and a report."""
    from assistant.web.match_api import run_match
    from assistant.web.render import match_html

    gr.Markdown("填写企业情况（都可以不填，填得越多越准），列出当地可能适用的政策、每项条件是否满足、能确定的金额。")
    with gr.Row():
        region = gr.Textbox(label="所在地区", placeholder="如：泉州开发区、嘉兴", elem_id="pa-m-region")
        industry = gr.Textbox(label="行业", placeholder="如：鞋服制造、物流", elem_id="pa-m-industry")
        size = gr.Dropdown(label="规模", choices=["", "小微", "中型", "大型"], value="", elem_id="pa-m-size")
    with gr.Row():
        revenue = gr.Textbox(label="年营业收入（万元）", placeholder="如：5000", elem_id="pa-m-revenue")
        growth = gr.Textbox(label="营收增速（%）", placeholder="如：18", elem_id="pa-m-growth")
        invest = gr.Textbox(label="投资额（万元）", placeholder="如：800", elem_id="pa-m-invest")
    levels = gr.Textbox(label="已获认定/资质（一行一个）", lines=2, placeholder="如：省级工业设计中心", elem_id="pa-m-levels")
    acts = gr.Textbox(label="做了或打算做的事（一行一件，带上数字）", lines=3, elem_id="pa-m-acts",
                      placeholder="如：去年投入1200万元建了一条自动化产线")
    go = gr.Button("开始匹配", variant="primary", elem_id="pa-m-go")
    out = gr.HTML(elem_id="pa-m-results")
    with gr.Row():
        get_html = gr.DownloadButton("下载可打印报告（网页，可另存为PDF）", visible=False, elem_id="pa-m-dl-html",
                                     variant="primary")
        get_md = gr.DownloadButton("下载报告（Markdown）", visible=False, elem_id="pa-m-dl-md")
    report = gr.Textbox(label="匹配报告（Markdown，可复制后打印或带去申报）", lines=6, elem_id="pa-m-report",
                        buttons=["copy"])

    def run(region_v, industry_v, size_v, rev, gro, inv, lv, ac):
        from assistant.web.match_api import report_file

        profile = {"region": region_v, "industry": industry_v, "size": size_v, "revenue_wan": rev or None,
                   "revenue_growth_pct": gro or None, "investment_wan": inv or None,
                   "levels_held": [x for x in (lv or "").splitlines() if x.strip()],
                   "activities": [x for x in (ac or "").splitlines() if x.strip()]}
        hidden = gr.update(visible=False, value=None)
        try:
            result = run_match(service, profile)
        except PolicyAssistantError as exc:
            return notice(exc.zh, "error"), "", hidden, hidden
        files = [report_file(result, fmt) for fmt in ("html", "markdown")]
        paths = [_save_report(name, content) for name, _media, content in files]
        return (match_html(result.to_dict()), files[1][2], gr.update(visible=True, value=paths[0]),
                gr.update(visible=True, value=paths[1]))

    go.click(run, inputs=[region, industry, size, revenue, growth, invest, levels, acts],
             outputs=[out, report, get_html, get_md])


def _save_report(name: str, content: str) -> str:
    """A report file for the download button (latest few kept, removed at exit: report_files.py)."""
    from assistant.web.report_files import REPORTS

    return REPORTS.save(name, content)


def build_ui(service: Service) -> gr.Blocks:
    from assistant.web import tools as web_tools
    from assistant.web.calc_tab import calculator_tab
    from assistant.web.library_tab import library_tab
    from assistant.web.page_sync import keep_in_step

    # Gradio's copies of served files (report downloads) are aged out hourly
    with gr.Blocks(title="政策助手", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        header = gr.HTML(header_html(service), elem_id="pa-header")
        with gr.Tabs() as tabs:
            with gr.Tab("政策问答", id="chat"):
                restore = chat_tab(service)
            with gr.Tab("政策匹配", id="match"):
                match_tab(service)
            with gr.Tab("条款检索", id="search"):
                search = web_tools.search_tab(service)
            with gr.Tab("补贴计算器", id="calc"):
                calc = calculator_tab(service)
            with gr.Tab("文件库", id="library"):
                library = library_tab(service, changed=(doc_changed := gr.State("")))
        demo.load(restore[0], inputs=restore[1], outputs=restore[2])
        # header and choices: filled on load, again on a tab switch or a 文件库 change if the index moved
        keep_in_step(demo, service, header, lambda: header_html(service), [search, calc, library], tabs, doc_changed)
    # several owners / operators at once (Gradio's default is one run per event at a time)
    demo.queue(default_concurrency_limit=4)
    return demo
