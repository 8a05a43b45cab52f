"""The Kubernetes-compatible REST API: what the real kubectl and the official Python client talk to."""
