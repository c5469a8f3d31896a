#!/usr/bin/env python3
# Validates a JSON document against a JSON Schema (Debian's
# python3-jsonschema): validate.py [--each] SCHEMA DOCUMENT; with --each the
# document is an array and every element is validated. Exit 0 valid, 1
# invalid (each error on stderr), 2 when the validator is not installed.
import json
import sys

try:
    import jsonschema
except ImportError:
    print("validate.py: python3-jsonschema is not installed (make deps)", file=sys.stderr)
    sys.exit(2)

args = sys.argv[1:]
each = args[:1] == ["--each"]
if each:
    args = args[1:]
with open(args[0]) as f:
    schema = json.load(f)
with open(args[1]) as f:
    doc = json.load(f)
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
docs = doc if each else [doc]
if each and not isinstance(doc, list):
    print("(root): not an array", file=sys.stderr)
    sys.exit(1)
errors = [e for d in docs for e in validator.iter_errors(d)]
for e in errors:
    print("%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(root)", e.message[:300]),
          file=sys.stderr)
sys.exit(1 if errors else 0)
