"""The simulated cluster: the object store, controllers, scheduler and kubelet. No HTTP, no websockets."""
