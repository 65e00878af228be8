"""R4 Subscriptions with a rest-hook channel: the EMR is told when AM-Med writes a CarePlan,
a released Communication or a Flag, without polling (``delivery`` explains the rules)."""
