"""Progress toward durable employment: the rule parameters in force, read and saved."""
