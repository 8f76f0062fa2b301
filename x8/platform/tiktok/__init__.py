"""TikTok ads → WhatsApp lead attribution (SPEC.md R-CH6): the TikTok channel bound to a company's WhatsApp channel,
tracking links (``/t/<code>``), recorded clicks, and the contact a first message carrying a live code attributes.

Links live on the control plane (the public redirect must find a code's company before it knows the tenant);
clicks and attribution live in the company's tenant schema, next to the contacts and orders they are counted with.
"""
