"""The `nkelections` command: thin commands, options -> one library call -> format -> exit code."""
