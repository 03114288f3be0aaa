"""Baseline: a Python Worker that answers 204 and does nothing else, built the way footfall
builds its responses (the JS Response constructor)."""

from js import Response
from workers import WorkerEntrypoint


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return Response.new(None, status=204)
