-- After 0003's data step moved who approved a processing activity, and when, into its `state`, the
-- old columns go.

ALTER TABLE processing_activities DROP COLUMN approved_at;
ALTER TABLE processing_activities DROP COLUMN approved_by;
