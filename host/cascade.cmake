# Cascade reconciliation sources, tests and qkd-cascade.
