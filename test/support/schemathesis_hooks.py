"""Schemathesis hooks for test/integration/openapi-fuzz.test.ts (loaded through SCHEMATHESIS_HOOKS).

Signs every generated Stripe webhook whose body is a JSON object as Stripe
would (HMAC-SHA256 over "<unix time>.<exact bytes>" with the deployment's
webhook secret), so the fuzzer reaches the event handling behind the signature
check, not only the check itself.
"""

import hashlib
import hmac
import json
import os
import time

import schemathesis

WEBHOOK_SECRET = os.environ.get("MARQUEE_FUZZ_WEBHOOK_SECRET", "")


@schemathesis.hook
def before_call(context, case, kwargs):
    if not WEBHOOK_SECRET or not case.operation.path.endswith("/webhooks/stripe") or not isinstance(case.body, dict):
        return
    payload = json.dumps(case.body)
    timestamp = int(time.time())
    signature = hmac.new(WEBHOOK_SECRET.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    case.headers = {**(case.headers or {}), "stripe-signature": f"t={timestamp},v1={signature}"}
    # The bytes signed are the bytes sent.
    kwargs["data"] = payload.encode()
