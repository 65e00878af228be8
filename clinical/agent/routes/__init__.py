"""One adapter per engine. Each returns a ``RouteResult``; an engine that is absent (its
branch not merged yet) or fails degrades to a safe escalation to the care team."""
