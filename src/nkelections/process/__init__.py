"""How work runs: forked children, the garbage collector paused, sandboxes without network."""
