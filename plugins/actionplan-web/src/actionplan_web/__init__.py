"""actionplan-web: the round table's own site on an actionplan store.

``actionplan serve`` runs it; ``actionplan web invite ORG --plan PLAN`` gives an organisation
its link; ``actionplan web user add NAME`` creates a coordinator's account. See docs/web.md.
The application itself is :func:`actionplan_web.app.create_app` (imported only when served,
so the command line starts as fast without it).
"""
