"""The individual pathway: entry, steps, employment, interviews, barriers, exit."""
