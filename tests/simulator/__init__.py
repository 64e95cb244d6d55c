"""A DigitalOcean API v2 simulator: a real, stateful HTTP server on loopback, over HTTP or HTTPS.

It serves the operations of ``do-droplet-actions.openapi.yaml`` for Droplets, Droplet actions,
Actions, snapshots, images, the account, regions, sizes, tags, block storage volumes, their actions
and their snapshots, and an empty list of firewalls, with DigitalOcean's semantics: Actions that
take time and lock their Droplet, snapshots that appear when their Action completes, resizes and
rebuilds with their rules, volumes that attach and detach through Actions, tags that Droplets,
images, volumes and volume snapshots carry, pagination, auth, rate limits, plus injected faults.
Tests, benchmarks and the demo drive it through its admin API (``/_sim/``), most simply with
:class:`tests.simulator.client.SimClient`.

Modules, one job each: ``state`` (the rules), ``render`` (the JSON the API shows), ``api`` and
``admin`` (endpoints), ``app`` (the request pipeline), ``server`` (HTTP and TLS), ``routing``,
``pagination``, ``ratelimit``, ``faults``, ``requestlog``, ``settings``, ``catalog``, ``clock``,
``client``, ``certificate`` (a self-signed certificate for ``--tls``); ``python -m tests.simulator``
runs it.
"""
