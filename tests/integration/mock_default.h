/*
 * mock_default: the ids and credentials of the built-in default scenario
 * (fixtures/scenarios/default.json) that the auth and limits suites use, so
 * a change to the fixture shows up in one place. The default scenario is:
 *
 *   workspace 0 (3141592653589793): spaces "Sales analytics", "Store
 *     operations", "Supply chain & operations"; principals dev@example.com
 *     (PAT, every space, can manage), svc-genie (OAuth client, every space),
 *     analyst@example.com (PAT, only "Sales analytics");
 *   workspace 1 (2718281828459045): "Finance close" and two more; dev,
 *     svc-genie-finance (OAuth), support-analyst.
 */
#ifndef TEST_MOCK_DEFAULT_H
#define TEST_MOCK_DEFAULT_H

#define PFX "/api/2.0/genie/spaces"

#define WS0_ID     "3141592653589793"
#define WS1_ID     "2718281828459045"
#define ACCOUNT_ID "9f3c2a1e-5b7d-4c8e-a2f1-6d0b3e7c9a15" /* both workspaces */
#define SALES      "01f0920e2b2c3400b2a74de452e6b438"
#define STORE      "01f09f98c8ba8e00a513270e269e0d37"
#define SUPPLY     "01f0c5f594a536008c5c7fd0a6a3a450"
#define FINANCE    "01f076a25321f800923f0824128b2f33"
#define DEV0       "dapi36f675cc81e74ef5e8e25d940ed90475"
#define ANALYST    "dapi6b0d549b6f03675a1600a35a099950d8"
#define DEV1       "dapi8d116ece1738f7d93d9c172411e20b8f"
#define SVC0_ID    "6f1c3b9e-2d4a-4e7f-9b8c-1a2d3e4f5a6b"
#define SVC0_SEC   "dose0cb1e29c658cda1495e60af593bd04cf"
#define SVC1_ID    "0b7e4d2c-8a1f-4c3e-b5d6-9e8f7a6b5c4d"
#define SVC1_SEC   "dose8e81973e0becd7b03898d190f9ebdacc"
#define NO_SUCH_ID "0123456789abcdef0123456789abcdef"

#endif
