"""ActivityPub federation of the exchange module."""
