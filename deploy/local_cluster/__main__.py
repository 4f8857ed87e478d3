"""``python -m deploy.local_cluster up|down|status|pitr|failover`` (as root, from the repository)."""

from deploy.local_cluster.cluster import main

raise SystemExit(main())
