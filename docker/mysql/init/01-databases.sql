-- Runs once, when the mysql container starts on an empty data volume
-- (docker-entrypoint-initdb.d). Credentials are the Compose stack's dev values.

-- Marquee's own database: the collation the app's connections use (db/data-source.ts).
-- db/cli.ts migrate would create it too (CREATE DATABASE IF NOT EXISTS), with the same settings.
CREATE DATABASE IF NOT EXISTS marquee CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'marquee'@'%' IDENTIFIED BY 'marquee';
GRANT ALL PRIVILEGES ON marquee.* TO 'marquee'@'%';

-- Temporal's persistence and visibility stores; the temporal-schema job
-- (temporal-sql-tool) creates and upgrades their tables.
CREATE DATABASE IF NOT EXISTS temporal CHARACTER SET utf8mb4;
CREATE DATABASE IF NOT EXISTS temporal_visibility CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS 'temporal'@'%' IDENTIFIED BY 'temporal';
GRANT ALL PRIVILEGES ON temporal.* TO 'temporal'@'%';
GRANT ALL PRIVILEGES ON temporal_visibility.* TO 'temporal'@'%';
