#!/usr/bin/env python3
"""validate-sarif.py SCHEMA SARIF

Validates SARIF against the SARIF 2.1.0 JSON schema (offline: the schema's
$refs are all inside the file), checks what GitHub code scanning needs
(https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning),
and prints one line per rule, result and notification for FileCheck:

  rule <id> | <shortDescription> | help: <n> chars of markdown
  result <ruleId> <level> <uri>:<startLine>:<startColumn>-<endLine>:<endColumn> fingerprint=<fp> related=<n> fixes=<n>
  related <uri>:<line>:<column> <message>
  fix <uri> <startLine>:<startColumn>-<endLine>:<endColumn> '<inserted text>'
  notification <level> <descriptor id> <message>
  absolute uris: <n>

and, after the driver line, its fullName and the run's automationDetails.id:

  fullname <driver.fullName>
  automation <automationDetails.id>

Also fails, as the SARIF multitool's validator warns, when a rule's name
equals its id (SARIF1001) or the driver has no absolute informationUri
(SARIF2005). "absolute uris" counts artifact locations that are absolute
file:// URIs, which GitHub code scanning rejects (GH1006).
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("validate-sarif: the Python module jsonschema is missing "
             "(Debian: apt-get install python3-jsonschema)")


def fail(msg):
    sys.exit("validate-sarif: " + msg)


schema = json.load(open(sys.argv[1]))
sarif = json.load(open(sys.argv[2]))
validator = jsonschema.validators.validator_for(schema)(schema)
errors = sorted(validator.iter_errors(sarif), key=lambda e: list(e.path))
for e in errors:
    print("schema error at /%s: %s" % ("/".join(map(str, e.path)), e.message))
if errors:
    fail("%d schema error(s)" % len(errors))
print("valid SARIF %s" % sarif["version"])

if sarif.get("version") != "2.1.0" or len(sarif.get("runs", [])) != 1:
    fail("expected version 2.1.0 and one run")
run = sarif["runs"][0]
driver = run["tool"]["driver"]
print("driver %s %s" % (driver["name"], driver.get("version", "?")))
print("fullname %s" % driver.get("fullName", "(none)"))
print("automation %s" % run.get("automationDetails", {}).get("id", "(none)"))
info = driver.get("informationUri", "")
if ":" not in info:
    fail("the driver has no absolute informationUri (SARIF2005)")
absolute_uris = 0
base = run.get("originalUriBaseIds", {}).get("%SRCROOT%", {}).get("uri", "")
print("srcroot %s" % base)
rules = driver.get("rules", [])
for r in rules:
    for key in ("id", "shortDescription", "fullDescription", "help"):
        if key not in r:
            fail("rule %s has no %s" % (r.get("id"), key))
    if r.get("name") == r["id"]:
        fail("rule %s: its name equals its id (SARIF1001)" % r["id"])
    if not r["help"].get("markdown") or not r["help"].get("text"):
        fail("rule %s: help needs text and markdown" % r["id"])
    print("rule %s | %s | help: %d chars of markdown"
          % (r["id"], r["shortDescription"]["text"], len(r["help"]["markdown"])))


def where(loc):
    phys = loc["physicalLocation"]
    art = phys["artifactLocation"]
    uri = art["uri"]
    if "://" in uri:
        global absolute_uris
        absolute_uris += 1
    if art.get("uriBaseId") not in (None, "%SRCROOT%"):
        fail("unknown uriBaseId " + art["uriBaseId"])
    reg = phys.get("region", {})
    return uri, reg


for res in run.get("results", []):
    rid = res["ruleId"]
    idx = res["ruleIndex"]
    if rules[idx]["id"] != rid:
        fail("ruleIndex %d is %s, not %s" % (idx, rules[idx]["id"], rid))
    if not res["message"]["text"]:
        fail("a result without a message")
    if len(res.get("locations", [])) != 1:
        fail("a result needs exactly one location")
    uri, reg = where(res["locations"][0])
    fp = res.get("partialFingerprints", {}).get("taskleakFingerprint/v1")
    if not fp:
        fail("a result without taskleakFingerprint/v1")
    print("result %s %s %s:%d:%d-%d:%d fingerprint=%s related=%d fixes=%d"
          % (rid, res["level"], uri, reg["startLine"], reg["startColumn"],
             reg["endLine"], reg["endColumn"], "yes" if fp else "no",
             len(res.get("relatedLocations", [])), len(res.get("fixes", []))))
    for rel in res.get("relatedLocations", []):
        ruri, rreg = where(rel)
        print("related %s:%d:%d %s" % (ruri, rreg["startLine"],
                                       rreg["startColumn"], rel["message"]["text"]))
    for fix in res.get("fixes", []):
        for change in fix["artifactChanges"]:
            for rep in change["replacements"]:
                d = rep["deletedRegion"]
                print("fix %s %d:%d-%d:%d '%s'" % (
                    change["artifactLocation"]["uri"], d["startLine"],
                    d["startColumn"], d["endLine"], d["endColumn"],
                    rep.get("insertedContent", {}).get("text", "")))
for inv in run.get("invocations", []):
    print("executionSuccessful %s" % str(inv["executionSuccessful"]).lower())
    for n in inv.get("toolExecutionNotifications", []):
        print("notification %s %s %s" % (n["level"], n["descriptor"]["id"],
                                         n["message"]["text"]))
print("absolute uris: %d" % absolute_uris)
