"""Documents → Topics: evidence for grouping translations and editions, similarity, segment alignment."""
