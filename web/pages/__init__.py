"""The HTML pages: the sandbox list and each sandbox's live view."""
