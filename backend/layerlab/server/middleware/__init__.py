"""ASGI middleware around every route: who may talk to the server (`guards`, with
`host_header` parsing Host), and bounds on request bodies (`body_limit`,
`body_timeout`)."""
