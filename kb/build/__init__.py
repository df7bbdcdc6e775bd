"""The pipeline: gather (ingest, align), write every output into a release, publish it atomically."""
