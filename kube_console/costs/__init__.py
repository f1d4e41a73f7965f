"""Cost attribution, gathered here as the cost code moves in (issue #12).

Pure modules (no models, no database, no clock) hold the arithmetic of cost-model.md:
`node_pricing` (what a node-hour costs and how it splits into per-unit prices), `gpus`
(GPU requests and capacity), `selectors` (node price rule selectors) and `catalogue` (the
price catalogue CSV and its validator). `node_prices` is their service face: the org's rules,
uploaded catalogue and spot factors in SQL.

`math` is the rest of cost-model.md's arithmetic (coverage, namespace and idle lines, idle
sharing; pure), `samples` what one sync contributes (per namespace and per namespace and node;
pure), and `engine` the hourly job that prices each cluster-hour from the samples in SQL.
"""
