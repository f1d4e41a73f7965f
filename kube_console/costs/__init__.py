"""Cost attribution, gathered here as the cost code moves in (issue #12).

Pure modules (no models, no database, no clock) hold the arithmetic of cost-model.md:
`node_pricing` (what a node-hour costs and how it splits into per-unit prices), `gpus`
(GPU requests and capacity), `selectors` (node price rule selectors) and `catalogue` (the
price catalogue CSV and its validator). `node_prices` is their service face: the org's rules,
uploaded catalogue and spot factors in SQL.
"""
