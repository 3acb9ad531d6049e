"""待复核: every fact not yet reviewed (and the extractor's rejected candidates near dates), by
article, most doubtful first (rule families with the lowest precision measured on eval/, dates taken
from context), with filters and "confirm the rest of this article"; the corrections whose fact a
rebuild took away (orphans), the corrections log, and the export of reviewed bulletins as labelled
facts (the shared SPEC format) for `python -m pipeline evaluate`."""
from __future__ import annotations

import io
import zipfile

import streamlit as st

from dashboard import auth, queries
from dashboard.views import _corrections as corr
from dashboard.views import _shared as ui
from pipeline.ledger import corrections

db = ui.db()

st.title("待复核")
corr.show_flash()
staff = auth.sign_in_panel()
if not staff:
    st.caption("复核与更正仅限员工：登录后可在此处理抽取结果。会员浏览的各页面已包含员工的更正。")
    st.stop()

state = corrections.state(corr.store())
dismissed = [key for key, c in state.items() if c.state == "dismissed"]
total = queries.review_count(db, dismissed)
SECTIONS = {"queue": f"待复核（{total}）", "orphans": "孤立的更正", "log": "更正记录", "export": "导出为评测数据"}
section = st.radio("查看", list(SECTIONS), format_func=SECTIONS.get, horizontal=True, key="review_section",
                   label_visibility="collapsed")
ARTICLES_PER_PAGE = 10
ITEM_COLUMNS = ["quote", "出处", "why_label", "kind_label", "due_date"]
ITEM_CONFIG = {"quote": ui.QUOTE_COLUMN, "出处": ui.LINK_COLUMN, "why_label": st.column_config.TextColumn("可疑之处", width="medium"),
               "kind_label": "类型", "due_date": "到期"}


def queue_filters() -> dict:
    """The queue's own filters: bulletin, kind, reason, agency, words of the quote."""
    options = queries.filter_options(db)
    docs = options["documents"]
    chosen = {key: st.session_state.get(f"queue_{key}") for key in ("doc", "kind", "reason", "agency", "text")}
    active = sum(bool(v) for v in chosen.values())
    with st.expander(f"筛选（{active} 项条件）" if active else "筛选：全部（可按文档、类型、可疑之处、部门、关键词）",
                     expanded=bool(active), icon=":material/filter_list:"):
        left, middle, right = st.columns(3)
        doc_ids = left.multiselect("文档", list(docs), key="queue_doc", placeholder="全部文档", select_all=False,
                                   format_func=lambda doc_id: docs.get(doc_id, doc_id))
        kinds = middle.multiselect("类型", options["kinds"], key="queue_kind", placeholder="全部类型", select_all=False,
                                   format_func=queries.KIND_LABELS.get)
        reasons = right.multiselect("可疑之处", list(queries.REVIEW_REASONS), key="queue_reason", placeholder="全部",
                                    select_all=False, format_func=queries.REVIEW_REASONS.get)
        left, right = st.columns(2)
        agencies = left.multiselect("部门", options["agencies"], key="queue_agency", placeholder="全部部门（含下属部门）",
                                    select_all=False)
        text = right.text_input("关键词", key="queue_text", placeholder="原文中的文字").strip()
    return {"doc_ids": doc_ids or None, "kinds": kinds or None, "reasons": reasons or None,
            "agencies": agencies or None, "text": text or None}


def review_one(item: dict) -> None:
    """The chosen item under its article: a fact's card and the correction tools, or a candidate."""
    with st.container(border=True):
        if isinstance(item["kind"], str):
            fact = queries.fact(db, item["id"])
            ui.fact_card(fact)
            corr.correction_panel(fact, staff)
            return
        st.markdown(f"**未采纳的片段**：“{item['quote']}”（{item['source_file']} 第{item['line']}行；"
                    f"原因：{item['why_label'].removeprefix('未采纳：')}）")
        if st.button("确认不是事实", key=f"dismiss_{item['id']}"):
            corrections.dismiss(corr.store(), item, staff)
            corr.flash("已确认：这个片段不是事实。")
        st.markdown("是漏抽的事实？在这一行添加：")
        corr.add_fact_form(item["doc_id"], item["source_file"],
                           queries.article_lines(db, item["doc_id"], int(item["line"]), int(item["line"])),
                           staff, key=f"add_{item['id']}", line=int(item["line"]), quote=item["quote"])


@ui.memoized
def queue_view(path, dismissed: list[str], filters: dict, page: int) -> dict:
    """One page of the queue, made once per database and corrections version (a confirmation makes a
    new one) and inputs: {"left", "count" (articles in all), "articles": [{article, items (by id),
    facts (their rows, for 确认其余), labels, grid (its rows with 出处), cards}]}."""
    articles = queries.review_articles(path, dismissed, limit=ARTICLES_PER_PAGE,
                                       offset=(page - 1) * ARTICLES_PER_PAGE, **filters)
    if articles.empty:
        return {"left": 0, "count": 0, "articles": []}
    items = queries.review_items(path, articles["group_id"], dismissed, **filters)
    parts = []
    for article in articles.to_dict("records"):
        mine = items[items["group_id"] == article["group_id"]].reset_index(drop=True)
        records = mine.to_dict("records")
        mine = mine.assign(url=[ui.fact_url(r["id"]) if isinstance(r["kind"], str)
                                else f"{ui.DOCUMENTS_URL}?doc={r['doc_id']}&line={r['line']}" for r in records])
        parts.append({"article": article, "items": {r["id"]: r for r in records},
                      "facts": [r for r in records if isinstance(r["kind"], str)],
                      "labels": {r["id"]: f"第{r['line']}行｜{r['kind_label']}｜{r['quote'][:30]}" for r in records},
                      "grid": ui.with_links(mine), "cards": ui.cards_html(mine, ["kind_label", "why_label", "due_date"])})
    return {"left": queries.review_count(path, dismissed, **filters), "count": int(articles.iloc[0]["articles"]),
            "articles": parts}


if section == "queue":
    filters = queue_filters()
    view = queue_view(db, dismissed, filters, st.session_state.get("queue_page") or 1)  # its selector: below
    if not view["articles"]:
        st.success("没有待复核的事项。" if not any(filters.values()) else "筛选条件下没有待复核的事项。")
        st.stop()
    count = view["count"]
    st.caption(f"还有 {view['left']} 项未复核，分属 {count} 篇文章。每条事实都在这里，直到员工确认、修改或驳回它（重新构建或上传不会移除）。"
               "最可疑的文章在前：其中的事实属于在评测数据上准确率较低的规则（日期由上下文推断的尤其如此）；"
               "每篇文章内也是最可疑的在前，最后是抽取程序未采纳的日期片段。读过全文后可一次确认其余各条。")
    for position, part in enumerate(view["articles"]):
        article, facts = part["article"], part["facts"]
        summary = f"{len(facts)} 条事实" + (f"，其中 {article['context']} 条日期由上下文推断" if article["context"] else "") \
            + (f"；{article['candidates']} 个未采纳的片段" if article["candidates"] else "")
        with st.expander(f"{article['title']}（{summary}）", expanded=position == 0):
            st.caption(f"{article['document_title']} · {article['source_file']} 第{article['first_line']}行起")
            st.page_link("views/documents.py", label="在文档中阅读全文", icon=":material/description:",
                         query_params={"doc": str(article["doc_id"]), "line": str(int(article["first_line"]))})
            ui.grid_and_cards(part["grid"], part["cards"], f"queue_{position}", hide_index=True, width="stretch",
                              column_order=ITEM_COLUMNS, column_config=ITEM_CONFIG)
            labels = part["labels"]
            picked = st.selectbox("复核其中一项", list(labels), index=None, format_func=labels.get,
                                  key=f"queue_pick_{article['group_id']}", placeholder="选择事项：确认、驳回或修改")
            if picked is not None:
                review_one(dict(part["items"][picked]))
            if facts and st.button(f"读过全文，确认其余 {len(facts)} 条事实", key=f"confirm_rest_{article['group_id']}",
                                   icon=":material/done_all:", help="为本文其余每条未复核的事实记一条“确认”（各自可撤销）"):
                done = corrections.confirm_all(corr.store(), [(queries.correction_key(db, r["id"]), r) for r in facts],
                                               staff)
                corr.flash(f"已确认 {done} 条事实：{article['title']}")
    pages = -(-count // ARTICLES_PER_PAGE)
    if pages > 1:
        st.selectbox(f"共 {count} 篇文章，每页 {ARTICLES_PER_PAGE} 篇", range(1, pages + 1), key="queue_page",
                     format_func=lambda n: f"第 {n} / {pages} 页")

elif section == "orphans":
    targets = queries.correction_targets(db)
    orphans = [state[k] for k in targets.loc[targets["fact_id"].isna(), "key"] if k in state]
    st.caption("数据库重建后，按编号和“文件＋原文”都找不到对应事实的更正列在这里，不会被悄悄丢弃。"
               "原文已删除或改写时，请在文档页重新更正或添加，然后撤销这条旧更正。")
    if not orphans:
        st.success("没有孤立的更正。")
    for c in orphans:
        with st.container(border=True):
            st.markdown(f"**{corrections.STATES[c.state]}**：“{c.place.get('quote')}”（{c.place.get('source_file')} "
                        f"第{c.place.get('line')}行；{c.actor}，{c.recorded_at:%Y-%m-%d %H:%M} UTC）")
            if st.button("撤销这条更正", key=f"orphan_undo_{c.key}"):
                corrections.undo(corr.store(), c.key, staff)
                corr.flash("已撤销。")

elif section == "log":
    log = corrections.log(corr.store())
    st.caption(f"全部 {len(log)} 条更正记录（只追加，不删除），最新在前；账号为登录的员工账号。")
    if len(log):
        shown = log.iloc[::-1].head(500).assign(action=lambda f: f["action"].map(corrections.ACTIONS),
                                                reason=lambda f: f["reason"].map(corrections.REJECT_REASONS))
        shown["出处"] = [f"{ui.fact_url(k)}#{f} 第{n}行" for k, f, n in zip(shown["fact_id"], shown["source_file"], shown["line"])]
        st.dataframe(ui.for_display(shown), hide_index=True, width="stretch",
                     column_order=["recorded_at", "actor", "action", "reason", "quote", "before", "after", "note", "出处"],
                     column_config={"recorded_at": "时间（UTC）", "actor": "账号", "action": "操作", "reason": "原因",
                                    "quote": ui.QUOTE_COLUMN, "before": "修改前", "after": "修改后", "note": "说明",
                                    "出处": ui.LINK_COLUMN})

else:
    st.caption("把逐行复核过的简报导出为标注数据（与 ../shared/gold 相同的 SPEC 格式，每份简报一个 "
               "<文件名>.facts.jsonl），放进评测目录后即可用 `python -m pipeline evaluate --gold 目录` 给抽取程序打分。")
    reviewed = sorted({c.place.get("source_file") for c in state.values() if c.place.get("source_file")})
    files = {row.source_file: row.title for row in queries.documents(db, limit=None).itertuples()}
    chosen = st.multiselect("简报", list(files), default=[f for f in reviewed if f in files], select_all=False,
                            format_func=lambda f: f"{files[f]} · {f}", key="export_files")
    if chosen:
        exported = corrections.export_jsonl(queries.corrected_facts(db, chosen))
        if len(exported) == 1:
            name, data = next(iter(exported.items()))
            st.download_button(f"下载 {name}", data, file_name=name, mime="application/jsonl")
        elif exported:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, data in exported.items():
                    archive.writestr(name, data)
            st.download_button(f"下载 {len(exported)} 份标注（zip）", buffer.getvalue(), file_name="reviewed-facts.zip",
                               mime="application/zip")
        count = sum(data.count(b"\n") for data in exported.values())
        st.caption(f"共 {count} 条事实。")
