CREATE TABLE `cronjob_schedule` (
	`cluster_id` text NOT NULL,
	`namespace` text NOT NULL,
	`name` text NOT NULL,
	`next_run` integer NOT NULL,
	PRIMARY KEY(`cluster_id`, `namespace`, `name`)
);
--> statement-breakpoint
CREATE INDEX `cronjob_schedule_next_run` ON `cronjob_schedule` (`next_run`);--> statement-breakpoint
CREATE TABLE `deployment_revisions` (
	`cluster_id` text NOT NULL,
	`namespace` text NOT NULL,
	`name` text NOT NULL,
	`revision` integer NOT NULL,
	`template` text NOT NULL,
	`change_cause` text,
	`replicas` integer NOT NULL,
	`recorded_at` text NOT NULL,
	PRIMARY KEY(`cluster_id`, `namespace`, `name`, `revision`)
);
