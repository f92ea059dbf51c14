"""Every domain's models in one registry, so that the metadata is complete (Alembic, create_all).

A new domain adds its `models` module here; nothing below this module imports it.
"""

from microdrama.accounts import models as account_models
from microdrama.catalog import models as catalog_models
from microdrama.db import locks as lock_models
from microdrama.db.base import Base
from microdrama.index import models as index_models
from microdrama.panels import models as panel_models
from microdrama.reports import models as report_models
from microdrama.review import models as review_models

__all__ = [
    "Base",
    "account_models",
    "catalog_models",
    "index_models",
    "lock_models",
    "panel_models",
    "report_models",
    "review_models",
]
