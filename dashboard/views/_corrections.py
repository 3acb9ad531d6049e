"""The staff's correction tools, shared by the 文档 and 待复核 pages: confirm, reject, edit, undo a
fact, add a missed one, and for everyone the mark of a corrected fact with its original one click
away. Every write goes to pipeline/ledger/corrections.py; the next run reads the corrected index."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.views import _shared as ui
from pipeline.ledger import corrections

PRECISION_LABELS = {"day": "日", "month": "月", "quarter": "季度", "year": "年"}
RECURRENCE_LABELS = {"yearly": "每年", "half-yearly": "每半年", "quarterly": "每季度", "monthly": "每月"}
COMPARATOR_LABELS = {">=": "≥ 以上/不低于", ">": "> 超过", "=": "= 达到", "<=": "≤ 以下/不超过", "<": "< 低于", "~": "约/左右"}
FIELD_LABELS = {"kind": "类型", "due_date": "到期日", "due_precision": "日期精度", "due_from": "起始日",
                "recurrence": "周期", "recurrence_rule": "周期规则", "value": "数值", "value_max": "数值上限",
                "unit": "单位", "comparator": "比较", "metric": "事项", "agencies": "部门"}
FLASH_KEY = "corrections_flash"


def store():
    return corrections.store_path(ui.db())


def flash(message: str) -> None:
    """Show a message after the rerun that reads the corrected index."""
    st.session_state[FLASH_KEY] = message
    st.rerun()


def show_flash() -> None:
    if message := st.session_state.pop(FLASH_KEY, None):
        st.success(message)


def _text(value) -> str:
    if hasattr(value, "tolist"):  # numpy arrays (list columns) and scalars
        value = value.tolist()
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    return "、".join(value) if isinstance(value, (list, tuple)) else str(value)


def _date(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _choice(label: str, options: dict, current, key: str, required: bool = False):
    keys = list(options)
    index = keys.index(current) if current in keys else (0 if required else None)
    return st.selectbox(label, keys, index=index, format_func=options.get, key=key,
                        placeholder="无" if not required else "请选择")


def fields_form(fact: dict, key: str) -> dict:
    """The editable fields as inputs (inside a form), filled with the fact's values; returns them."""
    left, middle, right = st.columns(3)
    with left:
        kind = _choice("类型", queries.KIND_LABELS, fact.get("kind"), f"{key}_kind", required=True)
        due = st.date_input("到期日", value=_date(fact.get("due_date")), key=f"{key}_due",
                            min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))
        precision = _choice("日期精度", PRECISION_LABELS, fact.get("due_precision"), f"{key}_precision")
        due_from = st.date_input("起始日（如“2026年起”）", value=_date(fact.get("due_from")), key=f"{key}_from",
                                 min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))
    with middle:
        recurrence = _choice("周期", RECURRENCE_LABELS, fact.get("recurrence"), f"{key}_recurrence")
        rule = st.text_input("周期规则（如“每年5月31日前”）", value=_text(fact.get("recurrence_rule")), key=f"{key}_rule")
        value = st.number_input("数值", value=_number(fact.get("value")), format="%g", key=f"{key}_value")
        value_max = st.number_input("数值上限（区间时）", value=_number(fact.get("value_max")), format="%g",
                                    key=f"{key}_value_max")
    with right:
        unit = st.text_input("单位", value=_text(fact.get("unit")), key=f"{key}_unit")
        comparator = _choice("比较", COMPARATOR_LABELS, fact.get("comparator"), f"{key}_comparator")
        metric = st.text_input("事项（简短描述）", value=_text(fact.get("metric")), key=f"{key}_metric")
        agencies = st.text_input("部门（用“、”分隔）", value=_text(list(fact.get("agencies") or [])),
                                 key=f"{key}_agencies")
    return {"kind": kind, "due_date": due, "due_precision": precision, "due_from": due_from,
            "recurrence": recurrence, "recurrence_rule": rule.strip() or None, "value": value,
            "value_max": value_max, "unit": unit.strip() or None, "comparator": comparator,
            "metric": metric.strip() or None,
            "agencies": [a.strip() for a in agencies.replace("，", "、").replace(",", "、").split("、") if a.strip()]}


def original_link(fact: dict) -> None:
    """For everyone: a corrected fact says so, with what the extractor found one click away."""
    state = fact.get("correction") or ""
    if state not in ("edited", "added"):
        return
    st.caption(f"✎ {corrections.STATES[state]}（员工复核后的数值，各页面、导出和日历均使用此数值）")
    with st.expander("查看原始抽取结果"):
        original = queries.original_fact(ui.db(), fact["id"])
        if original is None:
            key = queries.correction_key(ui.db(), fact["id"])
            added = corrections.state(store()).get(key)
            who = f"由 {added.actor} 添加" if added else "由员工添加"
            st.caption(f"抽取程序没有找到这条事实，{who}。")
            return
        st.dataframe(pd.DataFrame([{"字段": FIELD_LABELS[name], "原始抽取": _text(original.get(name)),
                                    "当前": _text(fact.get(name))} for name in corrections.EDITABLE]),
                     hide_index=True, width="stretch")


def history(key: str) -> None:
    entries = corrections.log(store(), key)
    if entries.empty:
        return
    with st.expander(f"更正记录（{len(entries)}）"):
        shown = entries.assign(action=entries["action"].map(corrections.ACTIONS),
                               reason=entries["reason"].map(corrections.REJECT_REASONS))
        st.dataframe(ui.for_display(shown[["recorded_at", "actor", "action", "reason", "note", "before", "after"]]),
                     hide_index=True, width="stretch",
                     column_config={"recorded_at": "时间（UTC）", "actor": "账号", "action": "操作", "reason": "原因",
                                    "note": "说明", "before": "修改前", "after": "修改后"})


def correction_panel(fact: dict, staff: str | None) -> None:
    """Under a fact: its correction mark for everyone; for staff, confirm / reject / edit / undo."""
    original_link(fact)
    if not staff:
        return
    fact = {**fact, **queries.fact_fields(ui.db(), fact["id"])}  # with the fields the lists leave out
    key = queries.correction_key(ui.db(), fact["id"])
    current = corrections.state(store()).get(key)
    fid = fact["id"]
    st.markdown("**员工复核**" + (f"（当前：{corrections.STATES[current.state]}，{current.actor}）" if current else ""))
    confirm_column, undo_column = st.columns(2)
    if confirm_column.button("确认无误", key=f"confirm_{fid}", icon=":material/check:"):
        corrections.confirm(store(), key, fact, staff)
        flash("已确认这条事实。")
    if current and undo_column.button("撤销上一次更正", key=f"undo_{fid}", icon=":material/undo:"):
        corrections.undo(store(), key, staff)
        flash("已撤销上一次更正。")
    with st.expander("驳回（不是目标、类型错误、重复……）"):
        with st.form(f"reject_form_{fid}"):
            reason = st.selectbox("原因", list(corrections.REJECT_REASONS), format_func=corrections.REJECT_REASONS.get,
                                  key=f"reject_reason_{fid}")
            note = st.text_input("说明（可选）", key=f"reject_note_{fid}")
            if st.form_submit_button("驳回"):
                corrections.reject(store(), key, fact, staff, reason, note.strip())
                flash("已驳回：这条事实不再出现在各页面和导出中（可在待复核页撤销）。")
    with st.expander("修改字段"):
        with st.form(f"edit_form_{fid}"):
            fields = fields_form(fact, f"edit_{fid}")
            note = st.text_input("说明（可选）", key=f"edit_note_{fid}")
            if st.form_submit_button("保存更正"):
                try:
                    corrections.edit(store(), key, fact, staff, fields, note.strip())
                except ValueError as exc:
                    st.error(f"未保存：{exc}")
                else:
                    flash("已保存更正：各页面现在显示修改后的数值。")
    history(key)


def rejected_panel(key: str, staff: str | None) -> bool:
    """A linked fact staff rejected: say so (and offer undo to staff). False when it is not one."""
    current = corrections.state(store()).get(key)
    if current is None or current.state != "rejected":
        return False
    st.info(f"这条事实已被员工驳回（{corrections.REJECT_REASONS.get(current.reason, current.reason)}，"
            f"{current.actor}），不再计入各页面：“{current.place.get('quote')}”（{current.place.get('source_file')} "
            f"第{current.place.get('line')}行）。")
    if staff and st.button("撤销驳回", key=f"undo_{key}", icon=":material/undo:"):
        corrections.undo(store(), key, staff)
        flash("已撤销驳回。")
    history(key)
    return True


def add_fact_form(doc_id: str, source_file: str, lines: pd.DataFrame, staff: str, key: str = "add",
                  line: int | None = None, quote: str = "") -> None:
    """Add a fact the extractor missed: pick a line, mark the exact span of the quote, fill the fields."""
    if lines.empty:
        return
    numbers = [int(n) for n in lines["line"]]
    texts = dict(zip(numbers, lines["text"]))
    chosen = st.selectbox("原文行", numbers, index=numbers.index(line) if line in numbers else 0, key=f"{key}_line",
                          format_func=lambda n: f"第{n}行：{texts[n][:60]}{'…' if len(texts[n]) > 60 else ''}")
    st.caption(texts[chosen])
    with st.form(f"{key}_form"):
        marked = st.text_input("原文片段（从上面这一行复制，须一字不差）", value=quote, key=f"{key}_quote")
        occurrence = st.number_input("片段在该行出现多次时：第几处", min_value=1, value=1, step=1, key=f"{key}_nth")
        fields = fields_form({"kind": "deadline"}, key)
        note = st.text_input("说明（可选）", key=f"{key}_note")
        if not st.form_submit_button("添加事实"):
            return
    text, marked = texts[chosen], marked.strip()
    start = -1
    for _ in range(int(occurrence)):
        start = text.find(marked, start + 1) if marked else -1
        if start < 0:
            break
    if start < 0:
        st.error("原文片段须是所选这一行中的原文（一字不差）。")
        return
    place = {"source_file": source_file, "doc_id": doc_id, "line": chosen, "char_start": start,
             "char_end": start + len(marked), "quote": marked}
    try:
        new_id = corrections.add(store(), staff, place, fields, note.strip())
    except ValueError as exc:
        st.error(f"未添加：{exc}")
        return
    flash(f"已添加事实（编号 {new_id}），各页面现在都会显示它。")
