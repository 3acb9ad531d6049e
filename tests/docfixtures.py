"""Test fixtures made in Python: Chinese PDFs with a real text layer (WeasyPrint + WenQuanYi), Word files
(python-docx), and the damaged variants the hostile-input tests need."""
from __future__ import annotations

import html
import io

DEADLINE = "请于2026年5月30日前报送材料。"
HEADER = "某某市人民政府办公厅公报"
FILLER = [
    "为深入贯彻落实党中央、国务院关于推动大规模设备更新和消费品以旧换新的决策部署，",
    "进一步加强统筹协调，压实各方责任，推动各项政策措施落地见效，",
    "各区县人民政府、市政府各部门要结合本地区本部门实际，认真组织实施，",
    "确保各项目标任务按期完成，形成上下联动、协同推进的工作格局，",
    "加大财政资金支持力度，优化审批流程，提升公共服务水平，",
]


def pdf_bytes(body_html: str, header: str | None = HEADER, page_numbers: bool = True,
              page_size: str = "A5") -> bytes:
    """A PDF with a text layer; a running header on every page and "- N -" page numbers at the foot."""
    import weasyprint

    margin_boxes = ""
    if header:
        margin_boxes += f'@top-center {{ content: "{header}"; font-size: 9pt }}'
    if page_numbers:
        margin_boxes += '@bottom-center { content: "- " counter(page) " -"; font-size: 9pt }'
    css = f"""
      @page {{ size: {page_size}; margin: 2cm 1.8cm; font-family: 'WenQuanYi Micro Hei'; {margin_boxes} }}
      body {{ font-family: 'WenQuanYi Micro Hei'; font-size: 11pt; line-height: 1.6 }}
      p {{ margin: 0 0 0.4em 0 }}
    """
    document = f"<html><head><style>{css}</style></head><body>{body_html}</body></html>"
    return weasyprint.HTML(string=document).write_pdf()


def bulletin_pdf() -> bytes:
    """Three pages of a notice; the deadline sentence is wrapped across two layout lines."""
    paragraphs = [f"<p>（{i + 1}）{''.join(FILLER[i % 5:] + FILLER[:i % 5])}抓好贯彻落实。</p>" for i in range(9)]
    paragraphs.insert(2, f"<p>各单位要高度重视，认真梳理本单位工作进展情况，{DEADLINE}逾期未报的视为无意见。</p>")
    return pdf_bytes("<p>关于做好2026年设备更新工作的通知</p>"
                     "<p>各区县人民政府，市政府各部门：</p>" + "".join(paragraphs)
                     + "<p>一、工作要求</p><p>1. 加强组织领导。</p><p>2. 抓好督促落实。</p>")


def paragraphs_html(lines: list[str]) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in lines)


def scanned_pdf() -> bytes:
    """A PDF of drawings only, as a scanner makes: pages but no text layer."""
    return pdf_bytes('<div style="width:8cm;height:10cm;background:#888"></div>', header=None, page_numbers=False)


def encrypted_pdf(password: str = "secret") -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(pdf_bytes(paragraphs_html([DEADLINE]))))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = HEADER
    section.footer.paragraphs[0].text = "- 1 -"
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table):
            for cell, value in zip(row.cells, values):
                cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bytes(files: dict[str, bytes]) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()
