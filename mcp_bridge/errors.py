"""What can go wrong when the bridge calls the agent server.

`AgentServerUnavailable` is transient (the server is down, slow or answered 5xx, and retries were exhausted):
trying again later may work. `AgentToolError` is permanent for these arguments (the tool reported an error, the
arguments or the result broke the schema, the tool does not exist): retrying the same call gives the same answer.
"""


class AgentBridgeError(Exception):
    """Base class of the bridge's errors; `str(error)` is a readable message for operators."""


class AgentServerUnavailable(AgentBridgeError):  # noqa: N818 (a fixed cross-team name)
    """The agent server could not be reached or did not answer in time (after retries)."""

    def __init__(self, message: str, *, attempts: int = 1):
        super().__init__(message)
        self.attempts = attempts


class AgentToolError(AgentBridgeError):
    """The tool ran and failed, or its input/output broke the contract. Not retried."""

    def __init__(self, message: str, *, tool: str = ""):
        super().__init__(message)
        self.tool = tool
