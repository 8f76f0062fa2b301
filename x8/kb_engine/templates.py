"""Downloadable CSV templates for Product and Service catalogues (SPEC.md R-K4)."""

from __future__ import annotations

import csv
import io

PRODUCT = [
    ["sku", "name", "description", "price", "currency", "category", "unit", "stock", "website", "tags", "images"],
    [
        "APL-001",
        "Green apples",
        "Crisp Granny Smith apples from local orchards.",
        "3.50",
        "USD",
        "Fruit",
        "kg",
        "120",
        "https://shop.example.com/apples",
        "fruit, organic",
        "https://shop.example.com/img/apples.jpg",
    ],
    [
        "BRD-002",
        "Sourdough bread",
        "Slow-fermented loaf, baked every morning.",
        "4.20",
        "USD",
        "Bakery",
        "piece",
        "30",
        "",
        "bread, fresh",
        "",
    ],
]
SERVICE = [
    [
        "sku",
        "name",
        "description",
        "price",
        "currency",
        "duration_minutes",
        "format",
        "location",
        "category",
        "tags",
        "images",
    ],
    [
        "CLN-01",
        "Teeth cleaning",
        "Professional cleaning and polishing by a hygienist.",
        "80",
        "USD",
        "45",
        "offline",
        "12 Main Street",
        "Hygiene",
        "cleaning, hygiene",
        "",
    ],
    [
        "CNS-02",
        "Online consultation",
        "A video call with a dentist about your treatment options.",
        "0",
        "USD",
        "20",
        "online",
        "",
        "Consultations",
        "consultation, free",
        "",
    ],
]


def template_csv(kind: str) -> str:
    rows = PRODUCT if kind == "product" else SERVICE
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()
