"""Executors that run merged batches on runners: a pool of replicas, or a pipeline of stages."""
