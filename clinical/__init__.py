"""Clinical domain apps: medkb (drug KB + guidance), orders, followup, diet, monitor, agent."""
