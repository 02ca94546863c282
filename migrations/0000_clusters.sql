CREATE TABLE `clusters` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`nodes` integer NOT NULL,
	`created_at` text NOT NULL
);
