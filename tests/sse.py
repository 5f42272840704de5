"""Reading /api/ask/stream's server-sent events in tests."""
from __future__ import annotations

import json


def stream_events(client, body: dict):
    """POST ``body`` to /api/ask/stream → (response, [(event, data), …]); the response is closed."""
    events = []
    with client.stream("POST", "/api/ask/stream", json=body) as r:
        event = None
        for line in r.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                events.append((event, json.loads(line[6:])))
    return r, events
