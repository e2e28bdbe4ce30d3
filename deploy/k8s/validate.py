"""Validate rendered Kubernetes manifests offline.

    python validate.py --kubernetes-version 1.31.0 --schemas DIR [--pinned-images] RENDERED.yaml

Run by `cargo xtask` (xtask/src/k8s.rs) inside a venv holding the PyPI package
kubernetes-validate, on the output of `kubectl kustomize overlays/<name>`.

- Built-in kinds are checked against the strict schemas bundled with
  kubernetes-validate for the given Kubernetes version: unknown fields are errors.
- Other kinds (CloudNativePG's Cluster and ScheduledBackup) are checked against
  the JSON schemas in DIR, named <kind>-<api group>-<version>.json.
- A kind with no schema at all is an error, not a warning: a misspelt kind or
  apiVersion must not pass unchecked.
- Cross-references inside the render that the API server would only reject
  when a pod starts: ConfigMap/Secret keys, Service and PDB selectors, named ports.
- What a cluster refuses or a reviewer must (rules.py): workload selectors that
  miss their template, malformed quantities, requests above limits, HPA min above
  max, privileged containers, workloads no ingress or egress policy governs,
  database connections that do not verify the server (sslmode=verify-full),
  pools that do not fit their Cluster's max_connections, any value still
  PLACEHOLDER, and with --pinned-images any image not pinned by digest.
- The PromQL of every PrometheusRule parses (the PyPI package promql-parser),
  which the Prometheus Operator would otherwise only report in its logs.

Prints one line per problem. On success the last line is "<n> resources valid".
Exit status 1 when anything is wrong.
"""

import argparse
import json
import pathlib
import sys

import jsonschema
import kubernetes_validate
import promql_parser
import yaml

import rules

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job")


def name_of(doc):
    meta = doc.get("metadata") or {}
    return f"{doc.get('kind', '?')}/{meta.get('name', '?')}"


def custom_schema(schemas_dir, doc):
    group, _, version = doc["apiVersion"].rpartition("/")
    path = schemas_dir / f"{doc['kind'].lower()}-{group}-{version}.json"
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def check_schema(doc, version, schemas_dir):
    """Schema problems of one resource, as strings."""
    if not isinstance(doc.get("apiVersion"), str) or not isinstance(doc.get("kind"), str):
        return ["apiVersion and kind must be strings"]
    schema = custom_schema(schemas_dir, doc)
    if schema is not None:
        validator = jsonschema.Draft202012Validator(schema)
        return [
            f"{'.'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}"
            for e in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
        ]
    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except kubernetes_validate.ValidationError as e:
        return [f"{'.'.join(str(p) for p in e.path) or '<root>'}: {e.message}"]
    except kubernetes_validate.SchemaNotFoundError as e:
        return [f"{e.message} (and no schema for it in {schemas_dir})"]
    except kubernetes_validate.InvalidSchemaError as e:
        return [e.message]
    return []


def check_promql(doc):
    """Rule expressions of a PrometheusRule that do not parse, as strings."""
    if doc.get("kind") != "PrometheusRule":
        return []
    problems = []
    for group in (doc.get("spec") or {}).get("groups") or []:
        for rule in group.get("rules") or []:
            try:
                promql_parser.parse(rule.get("expr", ""))
            except ValueError as e:
                name = rule.get("alert") or rule.get("record")
                problems.append(f"{group.get('name')}/{name}: expr does not parse: {e}")
    return problems


def pod_templates(docs):
    for doc in docs:
        if doc.get("kind") in WORKLOAD_KINDS:
            template = (doc.get("spec") or {}).get("template") or {}
            yield doc, template


def selector_matches(selector, labels):
    return all(labels.get(k) == v for k, v in (selector or {}).items())


def check_references(docs):
    """Problems between resources of the render, as (resource, message) pairs."""
    problems = []
    data_keys = {}
    for doc in docs:
        if doc.get("kind") in ("ConfigMap", "Secret"):
            keys = set()
            for field in ("data", "binaryData", "stringData"):
                keys.update((doc.get(field) or {}).keys())
            data_keys[(doc["kind"], doc["metadata"]["name"])] = keys

    def check_key(owner, kind, ref, what):
        if ref.get("optional"):
            return
        keys = data_keys.get((kind, ref.get("name") or ref.get("secretName")))
        # Absent from the render means provided by the operator or an operator
        # (CloudNativePG): nothing to compare against here.
        if keys is not None and ref.get("key") is not None and ref["key"] not in keys:
            problems.append((owner, f"{what} refers to missing key {ref['key']!r} of {kind} {ref.get('name')}"))

    templates = list(pod_templates(docs))
    for doc, template in templates:
        owner = name_of(doc)
        spec = template.get("spec") or {}
        for volume in spec.get("volumes") or []:
            for kind, field, name_field in (("ConfigMap", "configMap", "name"), ("Secret", "secret", "secretName")):
                source = volume.get(field)
                if source is None:
                    continue
                for item in source.get("items") or []:
                    ref = {"name": source.get(name_field), "key": item.get("key"), "optional": source.get("optional")}
                    check_key(owner, kind, ref, f"volume {volume.get('name')}")
        for container in (spec.get("initContainers") or []) + (spec.get("containers") or []):
            port_names = {p.get("name") for p in container.get("ports") or [] if p.get("name")}
            for env in container.get("env") or []:
                source = env.get("valueFrom") or {}
                if "configMapKeyRef" in source:
                    check_key(owner, "ConfigMap", source["configMapKeyRef"], f"env {env.get('name')}")
                if "secretKeyRef" in source:
                    check_key(owner, "Secret", source["secretKeyRef"], f"env {env.get('name')}")
            for probe_name in ("startupProbe", "readinessProbe", "livenessProbe"):
                probe = container.get(probe_name) or {}
                port = (probe.get("httpGet") or probe.get("tcpSocket") or {}).get("port")
                if isinstance(port, str) and port not in port_names:
                    problems.append((owner, f"{probe_name} of {container.get('name')} uses unknown port {port!r}"))

    for doc in docs:
        kind = doc.get("kind")
        spec = doc.get("spec") or {}
        if kind == "Service" and spec.get("selector"):
            matching = [t for _, t in templates
                        if selector_matches(spec["selector"], (t.get("metadata") or {}).get("labels") or {})]
            if not matching:
                problems.append((name_of(doc), f"selector {spec['selector']} matches no pod template"))
                continue
            names = {p.get("name") for t in matching
                     for c in (t.get("spec") or {}).get("containers") or []
                     for p in c.get("ports") or []}
            for port in spec.get("ports") or []:
                target = port.get("targetPort")
                if isinstance(target, str) and target not in names:
                    problems.append((name_of(doc), f"targetPort {target!r} is not a container port name"))
        if kind == "PodDisruptionBudget":
            selector = (spec.get("selector") or {}).get("matchLabels")
            if not any(selector_matches(selector, (t.get("metadata") or {}).get("labels") or {})
                       for _, t in templates):
                problems.append((name_of(doc), f"selector {selector} matches no pod template"))
        if kind == "HorizontalPodAutoscaler":
            target = spec.get("scaleTargetRef") or {}
            if not any(d.get("kind") == target.get("kind") and d["metadata"].get("name") == target.get("name")
                       for d in docs):
                problems.append((name_of(doc), f"scaleTargetRef {target.get('kind')}/{target.get('name')} is not in the render"))
            elif any(d.get("kind") == target.get("kind") and d["metadata"].get("name") == target.get("name")
                     and "replicas" in (d.get("spec") or {}) for d in docs):
                problems.append((name_of(doc), "its target also sets spec.replicas, which every apply would reset"))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubernetes-version", required=True)
    parser.add_argument("--schemas", required=True, type=pathlib.Path)
    parser.add_argument("--pinned-images", action="store_true",
                        help="refuse any image not pinned by digest (prod and the sites' overlays)")
    parser.add_argument("manifest")
    args = parser.parse_args()

    with open(args.manifest, encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    if not docs:
        print(f"{args.manifest}: no resources")
        return 1

    failures = 0
    seen = set()
    for doc in docs:
        if not isinstance(doc, dict):
            print(f"ERROR {args.manifest}: a document is not a mapping")
            failures += 1
            continue
        key = (doc.get("apiVersion"), doc.get("kind"), (doc.get("metadata") or {}).get("name"))
        if key in seen:
            print(f"ERROR {name_of(doc)}: defined twice")
            failures += 1
        seen.add(key)
        for problem in check_schema(doc, args.kubernetes_version, args.schemas) + check_promql(doc):
            print(f"ERROR {name_of(doc)}: {problem}")
            failures += 1
    mappings = [d for d in docs if isinstance(d, dict)]
    for owner, problem in check_references(mappings) + rules.check_all(mappings, args.pinned_images):
        print(f"ERROR {owner}: {problem}")
        failures += 1

    if failures:
        print(f"{failures} problem{'' if failures == 1 else 's'} in {len(docs)} resources")
        return 1
    print(f"{len(docs)} resources valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
