-- Placeholder for migration 0003, which belongs to branch results (CONTRACTS.md):
-- it keeps the numbering of 0004 without a gap until that branch is merged, and is
-- replaced by its file then.
SELECT 1;
