"""``mx.random``: seeding and samplers (to be written)."""
