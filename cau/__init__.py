"""The ``cau`` command line, dashboards and plots of cau-planner."""
