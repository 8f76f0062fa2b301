"""Provider clients, one subpackage per provider.

Each takes its base URL from settings, maps the provider's failures to our two exceptions (unavailable: try
again later; refused: the provider answered no, retrying will not help), and uses
``x8.kit.failing.FailureWindow`` so an outage costs one slow call per window, not one per request.
"""
