"""The domain errors that model methods raise; views and the admin translate them."""


class JourneyError(Exception):
    """Base for refusals that carry a message meant for the person who asked."""

    status_code = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message


class TransitionNotAllowed(JourneyError):
    """The action is not offered for the journey's current status (SPEC §2.1)."""

    status_code = 409


class PublishBlocked(JourneyError):
    """Publish was asked for while the journey still has blocker errors."""

    status_code = 409

    def __init__(self, errors):
        self.errors = list(errors)
        listed = "; ".join(error.message for error in self.errors)
        super().__init__(f"Resolve errors before publishing: {listed}")


class GuardrailViolation(JourneyError):
    """An edit that would break a rule of the journey (a frozen map, a bad schedule)."""


class ActionForbidden(JourneyError):
    """The user's role does not allow the action (SPEC §9)."""

    status_code = 403


class StaleEdit(JourneyError):
    """The edit was made against an older version of the journey."""

    status_code = 409
