"""``mx.nd.random``: samplers (to be written)."""
