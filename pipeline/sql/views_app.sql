-- Views only the dashboard reads (loaded after views.sql). The app never parses text: everything it
-- shows comes from these rows, and every row keeps source_file, line and quote for provenance.

-- Each same-goal group's sources, so a goal stated twice is shown once with both places it appears.
CREATE VIEW app_goal_sources AS
SELECT
    coalesce(group_id, id) AS goal_id,
    string_agg(coalesce(document_title, source_file) || ' 第' || line || '行', '；'
               ORDER BY source_file, line, char_start) AS sources
FROM fact_details
GROUP BY ALL;

-- fact_details plus: a goal id that is never NULL (a fact without group is its own goal), whether
-- the row stands for its goal, every source of the goal, and the bulletin's date.
CREATE VIEW app_facts AS
SELECT
    fd.*,
    coalesce(fd.group_id, fd.id) AS goal_id,
    (fd.group_id IS NULL OR fd.is_group_head) AS is_head,
    CASE WHEN fd.group_id IS NULL THEN 1 ELSE fd.group_size END AS goal_size,
    gs.sources,
    d.issued_on AS document_issued_on,
    a.issued_on AS article_issued_on,
    a.ordinal   AS article_ordinal
FROM fact_details fd
LEFT JOIN app_goal_sources gs ON gs.goal_id = coalesce(fd.group_id, fd.id)
LEFT JOIN documents d ON d.doc_id = fd.doc_id
LEFT JOIN articles a ON a.article_id = fd.article_id;
