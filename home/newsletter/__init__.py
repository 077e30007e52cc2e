"""Newsletter subscriptions by audience, with double opt-in, for the network's mailing tool."""
