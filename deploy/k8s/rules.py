"""Rules a cluster enforces that no JSON schema can express.

Each function takes the rendered documents and returns (resource, message)
pairs. validate.py runs them all; test_rules.py feeds each one a manifest that
breaks it, so a rule that stops catching its case fails the build.
"""

import re
from urllib.parse import parse_qs, urlsplit

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job")

# Kubernetes' quantity grammar: a signed decimal, then a binary suffix, a decimal
# suffix or an exponent. "1GB" and "512mb" are not quantities: the API server
# refuses them.
QUANTITY = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$")
SUFFIX = {
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
    "n": 1e-9, "u": 1e-6, "m": 1e-3, "": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
}


def name_of(doc):
    meta = doc.get("metadata") or {}
    return f"{doc.get('kind', '?')}/{meta.get('name', '?')}"


def quantity_value(text):
    """The numeric value of a quantity, or None when it is not one."""
    text = str(text)
    match = QUANTITY.match(text)
    if not match:
        return None
    suffix = match.group(3) or ""
    number = float(match.group(1)) * (-1 if text.startswith("-") else 1)
    if suffix[:1] in ("e", "E"):
        return number * 10 ** int(suffix[1:])
    return number * SUFFIX[suffix]


def templates(docs):
    for doc in docs:
        if doc.get("kind") in WORKLOAD_KINDS:
            yield doc, (doc.get("spec") or {}).get("template") or {}


def containers(template):
    spec = template.get("spec") or {}
    return (spec.get("initContainers") or []) + (spec.get("containers") or [])


def labels_of(template):
    return (template.get("metadata") or {}).get("labels") or {}


def selects(selector, labels):
    """Whether a LabelSelector (matchLabels and matchExpressions) selects these labels."""
    selector = selector or {}
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def check_selectors(docs):
    """A workload whose selector misses its own template is refused by the API server."""
    problems = []
    for doc, template in templates(docs):
        if doc["kind"] == "Job":
            continue  # the Job controller writes its own selector
        selector = (doc.get("spec") or {}).get("selector")
        if not selector or not selects(selector, labels_of(template)):
            problems.append((name_of(doc), f"selector {selector} does not match its pod template's labels"))
    return problems


def check_resources(docs):
    """Quantities well formed, and no request above its limit."""
    problems = []
    for doc, template in templates(docs):
        for container in containers(template):
            resources = container.get("resources") or {}
            requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
            for section, values in (("requests", requests), ("limits", limits)):
                for resource, value in values.items():
                    if quantity_value(value) is None:
                        problems.append((name_of(doc), f"{container.get('name')}: {section}.{resource} {value!r} is not a quantity"))
            for resource, request in requests.items():
                limit = limits.get(resource)
                wanted, allowed = quantity_value(request), quantity_value(limit) if limit is not None else None
                if wanted is not None and allowed is not None and wanted > allowed:
                    problems.append((name_of(doc), f"{container.get('name')}: requests.{resource} {request} is above its limit {limit}"))
    return problems


def check_privilege(docs):
    """No privileged container, no privilege escalation, no host namespaces."""
    problems = []
    for doc, template in templates(docs):
        spec = template.get("spec") or {}
        for host in ("hostNetwork", "hostPID", "hostIPC"):
            if spec.get(host):
                problems.append((name_of(doc), f"{host} is set"))
        for container in containers(template):
            context = container.get("securityContext") or {}
            if context.get("privileged"):
                problems.append((name_of(doc), f"{container.get('name')} is privileged"))
            if context.get("allowPrivilegeEscalation", True) is not False:
                problems.append((name_of(doc), f"{container.get('name')} does not set allowPrivilegeEscalation: false"))
    return problems


def check_autoscalers(docs):
    problems = []
    for doc in docs:
        if doc.get("kind") != "HorizontalPodAutoscaler":
            continue
        spec = doc.get("spec") or {}
        low, high = spec.get("minReplicas", 1), spec.get("maxReplicas")
        if high is not None and low > high:
            problems.append((name_of(doc), f"minReplicas {low} is above maxReplicas {high}"))
    return problems


def check_network_policies(docs):
    """Every workload is selected by an ingress and an egress policy: a pod no policy
    selects in a direction may talk to anything in that direction."""
    policies = [d for d in docs if d.get("kind") == "NetworkPolicy"]
    problems = []
    for doc, template in templates(docs):
        labels = labels_of(template)
        for direction in ("Ingress", "Egress"):
            if not any(direction in ((p.get("spec") or {}).get("policyTypes") or [])
                       and selects((p.get("spec") or {}).get("podSelector"), labels) for p in policies):
                problems.append((name_of(doc), f"no NetworkPolicy governs its {direction.lower()}"))
    return problems


def env_of(container):
    return {e.get("name"): e for e in container.get("env") or []}


def mounted_secret_file(template, container, path):
    """Whether path is a file of a Secret volume mounted read-only in this container."""
    volumes = {v.get("name"): v for v in (template.get("spec") or {}).get("volumes") or []}
    for mount in container.get("volumeMounts") or []:
        directory = (mount.get("mountPath") or "").rstrip("/") + "/"
        if not path.startswith(directory) or not mount.get("readOnly"):
            continue
        secret = (volumes.get(mount.get("name")) or {}).get("secret")
        if secret is None:
            continue
        items = secret.get("items")
        if items is None or path[len(directory):] in {i.get("path") for i in items}:
            return True
    return False


def check_database_tls(docs):
    """Every database connection verifies the server (sslmode=verify-full: its certificate
    against a CA mounted from a Secret, and its host name), so nothing between the pod and
    PostgreSQL can read the care data or the password. The URL's own sslmode wins over
    PGSSLMODE (sqlx reads both), so both are looked at."""
    problems = []
    for doc, template in templates(docs):
        for container in containers(template):
            env = env_of(container)
            if "DATABASE_URL" not in env and "DATABASE_URL_FILE" not in env:
                continue
            who = f"{container.get('name')}: the database connection"
            url = (env.get("DATABASE_URL") or {}).get("value") or ""
            query = parse_qs(urlsplit(url).query)
            mode = (query.get("sslmode") or [None])[0] or (env.get("PGSSLMODE") or {}).get("value")
            if mode != "verify-full":
                problems.append((name_of(doc), f"{who} does not use sslmode=verify-full (it has {mode or 'the default, prefer'})"))
            root = (query.get("sslrootcert") or [None])[0] or (env.get("PGSSLROOTCERT") or {}).get("value")
            if not root:
                problems.append((name_of(doc), f"{who} names no CA (sslrootcert or PGSSLROOTCERT)"))
            elif not mounted_secret_file(template, container, root):
                problems.append((name_of(doc), f"{who}'s CA {root} is not a file of a Secret mounted read-only"))
    return problems


POOL_ANNOTATION = "renrakucho/database-connections"


def database_cluster(template, container):
    """The CloudNativePG Cluster whose <cluster>-app Secret a container reads its URL from."""
    names = [v.get("secret", {}).get("secretName") for v in (template.get("spec") or {}).get("volumes") or []]
    names += [((e.get("valueFrom") or {}).get("secretKeyRef") or {}).get("name") for e in container.get("env") or []]
    for name in names:
        if name and name.endswith("-app"):
            return name[: -len("-app")]
    return None


def surge(doc, replicas):
    """How many pods a rollout runs beyond the count: both generations hold connections."""
    if doc["kind"] != "Deployment":
        return 0
    strategy = (doc.get("spec") or {}).get("strategy") or {}
    if strategy.get("type") == "Recreate":
        return 0
    value = (strategy.get("rollingUpdate") or {}).get("maxSurge", "25%")
    if isinstance(value, str) and value.endswith("%"):
        return -(-replicas * int(value[:-1]) // 100)
    return int(value)


def most_pods(doc, docs):
    """The most pods of a workload at once: an autoscaler's maximum or its replicas, plus
    the rollout's surge."""
    spec = doc.get("spec") or {}
    if doc["kind"] == "Job":
        return spec.get("parallelism", 1)
    replicas = spec.get("replicas", 1)
    for hpa in docs:
        target = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
        if hpa.get("kind") == "HorizontalPodAutoscaler" and (target.get("kind"), target.get("name")) == (
                doc["kind"], doc["metadata"].get("name")):
            replicas = hpa["spec"].get("maxReplicas", replicas)
    return replicas + surge(doc, replicas)


def check_connection_budget(docs):
    """Each Cluster's max_connections holds every pool of every pod that may use it at once,
    with the slots PostgreSQL keeps for superusers (CloudNativePG's own sessions). A pool
    that does not fit refuses connections on the busiest day, when a rollout or a scale-out
    meets the peak."""
    clusters = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "Cluster"}
    demand = {name: [] for name in clusters}
    problems = []
    for doc, template in templates(docs):
        for container in containers(template):
            env = env_of(container)
            if "DATABASE_URL" not in env and "DATABASE_URL_FILE" not in env:
                continue
            cluster = database_cluster(template, container)
            if cluster not in clusters:
                continue  # applied on its own (the rotation Job): its Cluster is not in the render
            pool = ((doc.get("metadata") or {}).get("annotations") or {}).get(POOL_ANNOTATION)
            if pool is None or not str(pool).isdigit():
                problems.append((name_of(doc), f"connects to {cluster} but states no {POOL_ANNOTATION} (its pool size)"))
                continue
            pods = most_pods(doc, docs)
            demand[cluster].append((doc["metadata"]["name"], pods, int(pool)))
    for name, cluster in clusters.items():
        parameters = ((cluster.get("spec") or {}).get("postgresql") or {}).get("parameters") or {}
        if "max_connections" not in parameters:
            problems.append((name_of(cluster), "sets no postgresql.parameters.max_connections"))
            continue
        # PostgreSQL's defaults: 3 slots for superusers, none reserved otherwise.
        reserved = int(parameters.get("superuser_reserved_connections", 3)) + int(parameters.get("reserved_connections", 0))
        needed = sum(pods * pool for _, pods, pool in demand[name]) + reserved
        if needed > int(parameters["max_connections"]):
            terms = " + ".join(f"{who} {pods} pods × {pool}" for who, pods, pool in demand[name])
            problems.append((name_of(cluster), f"max_connections {parameters['max_connections']} is below "
                                              f"{terms} + {reserved} reserved = {needed}"))
    return problems


PLACEHOLDER = "PLACEHOLDER"


def strings_in(value, path=""):
    """Every string of a document, with where it is (spec.configuration.destinationPath)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings_in(item, f"{path}.{index}")
    elif isinstance(value, str):
        yield path, value


def check_placeholders(docs):
    """Nothing the site must fill in (overlays/prod/site.env, its images list) is left as
    shipped: a PLACEHOLDER would reach the cluster as a host, a bucket or an image."""
    return [(name_of(doc), f"{path} is still {value!r}: fill it in the site's overlay (site.env, images)")
            for doc in docs for path, value in strings_in(doc) if PLACEHOLDER in value]


# A digest as a registry gives it; a tag before it is allowed (name:tag@sha256:…), and only
# the digest counts.
PINNED = re.compile(r"^[^@\s]+@sha256:[0-9a-f]{64}$")


def images(docs):
    """(resource, where, image) for every image a render runs: pod templates' containers and
    CloudNativePG Clusters' imageName."""
    for doc, template in templates(docs):
        for container in containers(template):
            yield doc, f"container {container.get('name')}", container.get("image") or ""
    for doc in docs:
        if doc.get("kind") == "Cluster":
            # Without imageName the operator picks its own default, which changes with it.
            yield doc, "imageName", (doc.get("spec") or {}).get("imageName") or ""


def check_pinned_images(docs):
    """In prod every image is pinned by digest: a tag can be pushed again, so two nodes (or a
    node before and after a restart) could run different builds under one name."""
    problems = []
    for doc, where, image in images(docs):
        if not PINNED.match(image):
            problems.append((name_of(doc), f"{where}: image {image!r} is not pinned by @sha256: digest"))
        elif image.split("@")[0].split(":")[0] == "renrakucho":
            problems.append((name_of(doc), f"{where}: image {image!r} names no registry (newName in the images list)"))
    return problems


TLS_KEYS = {"ca.crt", "tls.crt", "tls.key"}


def check_certificates(docs):
    """Where the render makes its certificates (cert-manager), every TLS Secret a workload
    mounts is one a Certificate fills, and every Certificate's namespaced Issuer is in the
    render: otherwise a pod waits for a Secret nothing will ever write."""
    certificates = [d for d in docs if d.get("kind") == "Certificate"]
    if not certificates:
        return []  # applied on its own (the rotation Job): its Secrets come from the overlay
    filled = {(d.get("spec") or {}).get("secretName") for d in certificates}
    issuers = {d["metadata"]["name"] for d in docs if d.get("kind") == "Issuer"}
    problems = []
    for doc, template in templates(docs):
        for volume in (template.get("spec") or {}).get("volumes") or []:
            secret = volume.get("secret") or {}
            keys = {i.get("key") for i in secret.get("items") or []}
            if "tls.crt" in keys and keys <= TLS_KEYS and secret.get("secretName") not in filled:
                problems.append((name_of(doc), f"mounts the TLS Secret {secret.get('secretName')}, "
                                               "which no Certificate fills"))
    for doc in certificates:
        ref = (doc.get("spec") or {}).get("issuerRef") or {}
        if ref.get("group", "cert-manager.io") == "cert-manager.io" and ref.get("kind", "Issuer") == "Issuer" \
                and ref.get("name") not in issuers:
            problems.append((name_of(doc), f"its Issuer {ref.get('name')} is not in the render"))
    return problems


RULES = (check_selectors, check_resources, check_privilege, check_autoscalers, check_network_policies,
         check_database_tls, check_connection_budget, check_placeholders, check_certificates)


def check_all(docs, pinned_images=False):
    """Every rule; with pinned_images (prod and the sites' overlays) images must be digests."""
    problems = []
    for rule in RULES + ((check_pinned_images,) if pinned_images else ()):
        problems.extend(rule(docs))
    return problems
