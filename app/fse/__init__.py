"""FSE+ data of one participant: sensitive entry items and the situations after exit."""
