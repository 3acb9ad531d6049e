-- Views the app and the PDF read: one row a fact, with its article and document for provenance.

CREATE VIEW fact_details AS
SELECT
    f.*,
    a.title        AS article_title,
    a.kind         AS article_kind,
    a.start_line   AS article_start_line,
    a.doc_number   AS article_doc_number,
    a.period_start AS article_period_start,
    a.period_end   AS article_period_end,
    d.title        AS document_title,
    array_to_string(f.agencies, '、') AS agencies_text,
    -- the first fact of a same-goal group stands for the group in de-duplicated views
    row_number() OVER (PARTITION BY f.group_id ORDER BY f.source_file, f.line, f.char_start) = 1 AS is_group_head,
    count(*) OVER (PARTITION BY f.group_id) AS group_size
FROM facts f
LEFT JOIN articles a ON a.article_id = f.article_id
LEFT JOIN documents d ON d.doc_id = f.doc_id;

-- Dated obligations: deadlines with a calendar date (recurring ones get their next occurrence in the app).
CREATE VIEW deadlines AS
SELECT * FROM fact_details WHERE kind = 'deadline';

CREATE VIEW targets AS
SELECT * FROM fact_details WHERE kind = 'target';

CREATE VIEW milestones AS
SELECT * FROM fact_details WHERE kind = 'milestone';

-- One row per (fact, agency) with the agency's level, for per-agency pages.
CREATE VIEW agency_facts AS
SELECT fa.agency_id, ag.name AS agency, ag.level, ag.parent, fa.role, fd.*
FROM fact_agencies fa
JOIN agencies ag ON ag.agency_id = fa.agency_id
JOIN fact_details fd ON fd.id = fa.fact_id;
