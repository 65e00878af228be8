"""Follow-up services: assessment engine, CarePlans, runs and the nightly sweep."""
