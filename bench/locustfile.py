"""Locust load mix for ``minekb serve``: searches, advice and pages.

Used by ``minekb bench load`` (webui/loadbench.py), which starts the server on
loopback and runs Locust headless for a bounded time; run by hand with
``locust -f bench/locustfile.py --host http://127.0.0.1:PORT``.
"""
from __future__ import annotations

import random

from locust import HttpUser, between, task

QUERIES = ["光伏", "生态保护红线", "土石料", "增减挂钩", "矿山公园", "社会资本", "自然恢复", "wetland park",
           "自然资规〔2019〕6号", "历史遗留矿山", "复垦", "稀土"]
PROFILES = [
    {"id": "L1", "province": "江西", "mineral": "rare_earth", "mining_method": "in_situ_leaching",
     "status": "historical_abandoned", "responsible_party": "none", "pollution": ["soil_acidification"],
     "terrain": ["high_steep_slope"], "hazards": ["landslide"], "hazard_threatens_people": True},
    {"id": "L2", "province": "北京", "mineral": "limestone", "mining_method": "open_pit",
     "status": "historical_abandoned", "control_zones": ["ecological_redline"], "location_zone": "remote_mountain"},
    {"id": "L3", "province": "江苏", "mineral": "coal", "mining_method": "underground", "status": "closed",
     "terrain": ["goaf_subsidence"], "water_accumulated": True, "location_zone": "suburban",
     "planned_land_use": "construction", "distance_to_city_km": 8},
]


class Official(HttpUser):
    wait_time = between(0.0, 0.05)

    @task(5)
    def api_search(self):
        self.client.get(f"/api/search?q={random.choice(QUERIES)}&limit=10", name="/api/search")

    @task(3)
    def api_advise(self):
        self.client.post("/api/advise", json=random.choice(PROFILES), name="/api/advise")

    @task(1)
    def search_page(self):
        self.client.get(f"/search?q={random.choice(QUERIES)}", name="/search")

    @task(1)
    def home(self):
        self.client.get("/", name="/")
