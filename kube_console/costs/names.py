"""Names cost rows share with the tables that hold them (models/costs.py re-exports them)."""

IDLE_NAMESPACE = "__idle__"  # the pseudo-namespace of a cluster's idle row
UNALLOCATED = "unallocated"  # the team or cost-center of a namespace without that label
