"""Messages shown through a variable (`_(role | capitalize)`), listed so extraction keeps them."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


DYNAMIC_MESSAGES = (
    # company roles and credit roles
    N_("Producer"),
    N_("Publisher"),
    N_("Distributor"),
    N_("Director"),
    N_("Screenwriter"),
    N_("Lead actor"),
    # account roles
    N_("Admin"),
    N_("Analyst"),
    N_("Viewer"),
    # import kinds
    N_("Metrics"),
    N_("Ratings"),
    # expert dimensions
    N_("Values"),
    N_("Artistry"),
    N_("Production"),
    N_("Innovation"),
    # panel states
    N_("Open"),
)
