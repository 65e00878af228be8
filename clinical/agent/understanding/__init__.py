"""Understanding a patient message: intent + entities, by model (constrained JSON) or rules."""
