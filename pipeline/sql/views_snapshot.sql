-- Views the weekly PDF snapshot reads (pipeline/snapshot/render.py).

-- The agency a fact is filed under in the PDF: its first agency named in the sentence, else the
-- article's first issuer; a department is filed under its ministry (科技司 -> 工业和信息化部).
CREATE VIEW fact_lead_agency AS
SELECT
    fa.fact_id,
    arg_min(
        coalesce(ag.parent, ag.name),
        (CASE WHEN fa.role = 'named' THEN 0 ELSE 1000 END) + coalesce(list_position(f.agencies, ag.name), 999)
    ) AS lead_agency
FROM fact_agencies fa
JOIN agencies ag USING (agency_id)
JOIN facts f ON f.id = fa.fact_id
GROUP BY fa.fact_id;

-- One row a goal: the head of each same-goal group (facts without a group stand alone), with its
-- lead agency and the document's issue date, which starts the period when nothing else does.
CREATE VIEW snapshot_facts AS
SELECT
    fd.*,
    coalesce(la.lead_agency, fd.agencies[1], '未注明机构') AS lead_agency,
    coalesce(a.issued_on, d.issued_on) AS issued_on
FROM fact_details fd
LEFT JOIN fact_lead_agency la ON la.fact_id = fd.id
LEFT JOIN articles a ON a.article_id = fd.article_id
LEFT JOIN documents d ON d.doc_id = fd.doc_id
WHERE fd.is_group_head OR fd.group_id IS NULL;
