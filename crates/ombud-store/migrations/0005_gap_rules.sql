-- The gaps kept with each record gain art. 30.1 c (categories of data subjects and of personal
-- data) and a system without an information classification: no column changes; the data step after
-- this file derives every kind's columns again from its details (see src/migrate.rs).
SELECT 1;
