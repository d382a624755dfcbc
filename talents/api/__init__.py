"""REST API of the representative pool (api/v1/talents/)."""
