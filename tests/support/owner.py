"""The owner's secret in the test Worker (a real one comes from `wrangler secret put`)."""

DASHBOARD_TOKEN = "test-dashboard-token-0123456789"
BEARER = {"authorization": f"Bearer {DASHBOARD_TOKEN}"}
