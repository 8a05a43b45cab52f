"""The sandbox workspace's own API: what the page's buttons, editor, inspector and console call."""
