"""learnloop: a self-hosted platform that turns a company into a learning organization."""

__version__ = "0.1.0"
