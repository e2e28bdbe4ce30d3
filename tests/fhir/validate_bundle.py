"""Validates a FHIR R4 JSON document against the official FHIR R4 JSON schema.

Usage: validate_bundle.py SCHEMA BUNDLE. Prints every problem (the resource, the path in it and
what is wrong) and exits 1 if there is one; prints the resource counts and exits 0 otherwise.

The whole document is checked against the schema's root (a Bundle is one of its resources), and
each entry's resource against its own type's definition, so a problem is named where it is
rather than as "matches none of the resource types".

The JP Core StructureDefinitions are not checked here: no package registry the project can
reach carries the JP Core package, so the export is validated against FHIR R4 alone.
"""

import collections
import json
import sys

import jsonschema


def problems(schema, definition, instance):
    wrapped = {"$ref": "#/definitions/" + definition, "definitions": schema["definitions"]}
    validator = jsonschema.Draft6Validator(wrapped)
    for error in validator.iter_errors(instance):
        best = jsonschema.exceptions.best_match([error])
        path = "/".join(str(p) for p in best.absolute_path)
        yield f"{definition} {instance.get('id', '')} at /{path}: {best.message[:400]}"


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        bundle = json.load(f)
    found = list(problems(schema, "Bundle", bundle))
    root = jsonschema.Draft6Validator(schema)
    if not root.is_valid(bundle):
        found.append("the document is not one of the FHIR R4 resources")
    counts = collections.Counter()
    for entry in bundle.get("entry", []):
        resource = entry.get("resource", {})
        kind = resource.get("resourceType", "")
        counts[kind] += 1
        if kind not in schema["definitions"]:
            found.append(f"unknown resourceType {kind!r}")
            continue
        found.extend(problems(schema, kind, resource))
    for p in found:
        print(p)
    if found:
        return 1
    print(json.dumps(dict(sorted(counts.items())), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
