"""NATS_URL naming a cluster's servers comma-separated becomes the list nats-py expects."""

from services.relay.jetstream import servers


def test_one_server_and_a_cluster() -> None:
    assert servers("nats://a:4222") == ["nats://a:4222"]
    assert servers("nats://u:p@a:4222, nats://u:p@b:4222,") == ["nats://u:p@a:4222", "nats://u:p@b:4222"]
