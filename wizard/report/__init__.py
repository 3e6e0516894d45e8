"""The access report (``role-wizard report``): :mod:`access` computes what a role can do against
each resource (domain code, no AWS SDK); :mod:`html` and :mod:`markdown` render it."""
