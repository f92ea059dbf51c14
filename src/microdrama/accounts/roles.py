"""Roles as data with meaning flags: code asks what a role may do, never compares its name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    """What a kind of user may do."""

    key: str
    zh: str
    en: str
    manages_users: bool = False
    runs_index: bool = False  # compute, publish, run panels
    reads_unpublished: bool = False
    reviews: bool = False
    submits_works: bool = False
    imports: bool = False
    uses_studio: bool = False  # script studio: breakdown and compliance pre-review
    reads_reports: bool = True  # insight reports (they name companies and their works)
    # Blind reviewers: the catalogue shows them no companies or credits, and no filter by one,
    # so a review cannot lean on who made the work.
    blind: bool = False


ROLES: dict[str, Role] = {
    role.key: role
    for role in (
        Role(
            "admin",
            "管理员",
            "Administrator",
            manages_users=True,
            runs_index=True,
            reads_unpublished=True,
            imports=True,
            uses_studio=True,
        ),
        Role(
            "analyst",
            "分析师",
            "Analyst",
            runs_index=True,
            reads_unpublished=True,
            imports=True,
            uses_studio=True,
        ),
        Role(
            "expert", "评审专家", "Expert reviewer", reviews=True, reads_reports=False, blind=True
        ),
        Role("producer", "出品方", "Producer", submits_works=True, uses_studio=True),
        Role("viewer", "观察者", "Viewer"),
    )
}


def role(key: str) -> Role:
    """The role with this key; ValueError naming the valid ones otherwise."""
    try:
        return ROLES[key]
    except KeyError:
        raise ValueError(f"unknown role '{key}'; use one of: {', '.join(ROLES)}") from None
