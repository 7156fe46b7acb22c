-- Which kinds link to each record of a kind with link gaps (a system holding personal data that no
-- processing activity names), as ',code,code,' (',' for none). Lists and the gaps page read it
-- instead of probing the links of every row; the store keeps it whenever links change, and the data
-- step of this migration derives it from the links already there.
ALTER TABLE systems ADD COLUMN linked_from TEXT NOT NULL DEFAULT ',';
