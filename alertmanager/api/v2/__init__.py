"""``/api/v2``: one module per resource of upstream's OpenAPI contract."""
