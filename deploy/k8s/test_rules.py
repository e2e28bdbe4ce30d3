"""Each rule of rules.py refuses the manifest that breaks it and accepts its fix.

Run by `cargo xtask test` before the overlays are validated:
    python -m unittest discover -s deploy/k8s -p 'test_*.py'
"""

import copy
import pathlib
import re
import unittest

import jsonschema
import yaml

import rules

GOOD = yaml.safe_load("""
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: web}}
  template:
    metadata: {labels: {app.kubernetes.io/name: web}}
    spec:
      containers:
        - name: web
          securityContext: {allowPrivilegeEscalation: false}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: "1", memory: 1Gi}
""")

POLICY = yaml.safe_load("""
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
""")

# A service with its database: the URL as a file, verify-full against the Cluster's CA.
DATABASE = yaml.safe_load("""
apiVersion: apps/v1
kind: Deployment
metadata: {name: db-user}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: db-user}}
  template:
    metadata: {labels: {app.kubernetes.io/name: db-user}}
    spec:
      containers:
        - name: db-user
          securityContext: {allowPrivilegeEscalation: false}
          env:
            - {name: DATABASE_URL_FILE, value: /etc/renrakucho/db/uri}
            - {name: PGSSLMODE, value: verify-full}
            - {name: PGSSLROOTCERT, value: /etc/renrakucho/db-ca/ca.crt}
          volumeMounts:
            - {name: db, mountPath: /etc/renrakucho/db, readOnly: true}
            - {name: db-ca, mountPath: /etc/renrakucho/db-ca, readOnly: true}
      volumes:
        - name: db
          secret: {secretName: db-app, items: [{key: uri, path: uri}]}
        - name: db-ca
          secret: {secretName: db-ca, items: [{key: ca.crt, path: ca.crt}]}
""")


def cluster(max_connections):
    doc = {"apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster", "metadata": {"name": "db"},
           "spec": {"instances": 1, "postgresql": {"parameters": {}}}}
    if max_connections is not None:
        doc["spec"]["postgresql"]["parameters"]["max_connections"] = str(max_connections)
    return doc


def pooled(replicas, pool=10):
    doc = copy.deepcopy(DATABASE)
    doc["spec"]["replicas"] = replicas
    doc["metadata"]["annotations"] = {rules.POOL_ANNOTATION: str(pool)}
    return doc


def env(doc):
    return container(doc)["env"]


def container(doc):
    return doc["spec"]["template"]["spec"]["containers"][0]


class RuleCase(unittest.TestCase):
    def assert_refused(self, docs, words):
        problems = rules.check_all(docs)
        self.assertTrue(any(words in message for _, message in problems), f"{words!r} not in {problems}")


class Rules(RuleCase):

    def test_the_good_manifest_passes(self):
        self.assertEqual(rules.check_all([GOOD, POLICY]), [])

    def test_a_selector_missing_its_template_is_refused(self):
        bad = copy.deepcopy(GOOD)
        bad["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] = "other"
        self.assert_refused([bad, POLICY], "does not match its pod template")

    def test_a_malformed_quantity_is_refused(self):
        bad = copy.deepcopy(GOOD)
        container(bad)["resources"]["limits"]["memory"] = "1GB"
        self.assert_refused([bad, POLICY], "is not a quantity")

    def test_a_request_above_its_limit_is_refused(self):
        bad = copy.deepcopy(GOOD)
        container(bad)["resources"]["requests"]["memory"] = "2Gi"
        self.assert_refused([bad, POLICY], "above its limit")

    def test_quantities_compare_across_suffixes(self):
        self.assertLess(rules.quantity_value("1500m"), rules.quantity_value("2"))
        self.assertGreater(rules.quantity_value("1Gi"), rules.quantity_value("1G"))
        self.assertEqual(rules.quantity_value("1e3"), 1000)

    def test_a_privileged_container_is_refused(self):
        bad = copy.deepcopy(GOOD)
        container(bad)["securityContext"] = {"privileged": True, "allowPrivilegeEscalation": False}
        self.assert_refused([bad, POLICY], "is privileged")

    def test_privilege_escalation_left_open_is_refused(self):
        bad = copy.deepcopy(GOOD)
        del container(bad)["securityContext"]
        self.assert_refused([bad, POLICY], "allowPrivilegeEscalation")

    def test_an_autoscaler_with_min_above_max_is_refused(self):
        hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
               "spec": {"minReplicas": 5, "maxReplicas": 2}}
        self.assert_refused([GOOD, POLICY, hpa], "above maxReplicas")

    def test_a_workload_without_an_egress_policy_is_refused(self):
        ingress_only = copy.deepcopy(POLICY)
        ingress_only["spec"]["policyTypes"] = ["Ingress"]
        self.assert_refused([GOOD, ingress_only], "governs its egress")

    def test_a_policy_selecting_other_pods_does_not_count(self):
        other = copy.deepcopy(POLICY)
        other["spec"]["podSelector"] = {"matchExpressions": [
            {"key": "app.kubernetes.io/name", "operator": "In", "values": ["db"]}]}
        self.assert_refused([GOOD, other], "governs its ingress")

    def test_a_verified_database_connection_passes(self):
        self.assertEqual(rules.check_all([GOOD, POLICY, DATABASE]), [])

    def test_the_url_may_carry_verify_full_itself(self):
        composed = copy.deepcopy(DATABASE)
        env(composed)[:] = [
            {"name": "DB_URI", "valueFrom": {"secretKeyRef": {"name": "db-app", "key": "uri"}}},
            {"name": "DATABASE_URL",
             "value": "$(DB_URI)?sslmode=verify-full&sslrootcert=/etc/renrakucho/db-ca/ca.crt"},
        ]
        self.assertEqual(rules.check_all([POLICY, composed]), [])

    def test_a_database_url_without_sslmode_is_refused(self):
        bad = copy.deepcopy(DATABASE)
        env(bad)[:] = [{"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "db-app", "key": "uri"}}}]
        self.assert_refused([POLICY, bad], "does not use sslmode=verify-full")

    def test_a_weaker_sslmode_is_refused(self):
        bad = copy.deepcopy(DATABASE)
        env(bad)[1]["value"] = "require"
        self.assert_refused([POLICY, bad], "does not use sslmode=verify-full (it has require)")

    def test_the_url_sslmode_wins_over_the_environment(self):
        bad = copy.deepcopy(DATABASE)
        env(bad)[0] = {"name": "DATABASE_URL", "value": "postgresql://u@db-rw:5432/d?sslmode=disable"}
        self.assert_refused([POLICY, bad], "it has disable")

    def test_a_ca_that_is_not_mounted_is_refused(self):
        bad = copy.deepcopy(DATABASE)
        container(bad)["volumeMounts"].pop()
        self.assert_refused([POLICY, bad], "is not a file of a Secret mounted read-only")

    def test_no_ca_at_all_is_refused(self):
        bad = copy.deepcopy(DATABASE)
        del env(bad)[2]
        self.assert_refused([POLICY, bad], "names no CA")

    def test_pools_that_fit_pass(self):
        # 2 replicas + 1 surging (25 % rounded up) × 10 + 3 reserved = 33.
        self.assertEqual(rules.check_all([POLICY, pooled(2), cluster(33)]), [])

    def test_pools_above_max_connections_are_refused(self):
        self.assert_refused([POLICY, pooled(2), cluster(32)], "db-user 3 pods × 10 + 3 reserved = 33")

    def test_the_autoscalers_maximum_counts(self):
        hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "db-user"},
               "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "db-user"}, "maxReplicas": 4}}
        self.assertEqual(rules.check_all([POLICY, pooled(2), cluster(53)]), [])
        self.assert_refused([POLICY, pooled(2), cluster(52), hpa], "5 pods × 10 + 3 reserved = 53")

    def test_a_pool_left_unstated_is_refused(self):
        self.assert_refused([POLICY, DATABASE, cluster(100)], "states no renrakucho/database-connections")

    def test_max_connections_left_to_the_default_is_refused(self):
        self.assert_refused([POLICY, pooled(1), cluster(None)], "sets no postgresql.parameters.max_connections")


DIGEST = "sha256:" + "0" * 64


def with_image(image):
    doc = copy.deepcopy(GOOD)
    container(doc)["image"] = image
    return doc


class SiteValues(unittest.TestCase):
    """What overlays/prod leaves to the site is refused until the site fills it."""

    def test_a_placeholder_anywhere_is_refused_and_named(self):
        left = copy.deepcopy(GOOD)
        container(left)["env"] = [{"name": "MAIL_FROM", "value": "PLACEHOLDER"}]
        problems = rules.check_all([left, POLICY])
        self.assertEqual(problems, [("Deployment/web", "spec.template.spec.containers.0.env.0.value is still "
                                     "'PLACEHOLDER': fill it in the site's overlay (site.env, images)")])

    def test_a_placeholder_inside_a_value_is_refused(self):
        url = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
               "data": {"PUBLIC_BASE_URL": "https://PLACEHOLDER"}}
        self.assertEqual(len(rules.check_placeholders([url])), 1)

    def test_a_digest_passes_where_images_must_be_pinned(self):
        self.assertEqual(rules.check_all([with_image(f"registry.example.jp/web@{DIGEST}"), POLICY],
                                         pinned_images=True), [])
        self.assertEqual(rules.check_all([with_image(f"registry.example.jp/web:1.0@{DIGEST}"), POLICY],
                                         pinned_images=True), [])

    def test_a_tag_is_refused_only_where_images_must_be_pinned(self):
        tagged = with_image("registry.example.jp/web:1.0")
        self.assertEqual(rules.check_all([tagged, POLICY]), [])
        problems = rules.check_all([tagged, POLICY], pinned_images=True)
        self.assertEqual(problems, [("Deployment/web", "container web: image 'registry.example.jp/web:1.0' "
                                     "is not pinned by @sha256: digest")])

    def test_a_malformed_digest_is_refused(self):
        self.assertEqual(len(rules.check_pinned_images([with_image("web@sha256:PLACEHOLDER")])), 1)
        self.assertEqual(len(rules.check_pinned_images([with_image("web@sha256:" + "0" * 63)])), 1)

    def test_the_release_image_must_name_the_sites_registry(self):
        problems = rules.check_pinned_images([with_image(f"renrakucho@{DIGEST}")])
        self.assertTrue(any("names no registry" in m for _, m in problems), problems)

    def test_a_cluster_must_pin_its_postgresql_image(self):
        self.assertEqual(len(rules.check_pinned_images([cluster(100)])), 1)
        pinned = cluster(100)
        pinned["spec"]["imageName"] = f"registry.example.jp/postgresql:17.5@{DIGEST}"
        self.assertEqual(rules.check_pinned_images([pinned]), [])


def mounting(secret):
    doc = copy.deepcopy(GOOD)
    doc["spec"]["template"]["spec"]["volumes"] = [{"name": "tls", "secret": {
        "secretName": secret, "items": [{"key": k, "path": k} for k in ("ca.crt", "tls.crt", "tls.key")]}}]
    return doc


def certificate(secret, issuer="internal-ca", kind="Issuer"):
    return {"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": {"name": secret},
            "spec": {"secretName": secret, "commonName": "web",
                     "issuerRef": {"group": "cert-manager.io", "kind": kind, "name": issuer}}}


ISSUER = {"apiVersion": "cert-manager.io/v1", "kind": "Issuer", "metadata": {"name": "internal-ca"},
          "spec": {"ca": {"secretName": "internal-ca"}}}


class Certificates(RuleCase):
    def test_a_mounted_tls_secret_a_certificate_fills_passes(self):
        self.assertEqual(rules.check_all([POLICY, mounting("web-tls"), certificate("web-tls"), ISSUER]), [])

    def test_a_mounted_tls_secret_no_certificate_fills_is_refused(self):
        self.assert_refused([POLICY, mounting("web-tls"), certificate("other-tls"), ISSUER],
                            "mounts the TLS Secret web-tls, which no Certificate fills")

    def test_without_certificates_in_the_render_the_secrets_are_the_operators(self):
        self.assertEqual(rules.check_certificates([mounting("web-tls")]), [])

    def test_a_missing_issuer_is_refused_but_a_cluster_issuer_is_the_sites(self):
        self.assertEqual(len(rules.check_certificates([certificate("web-tls", issuer="gone")])), 1)
        self.assertEqual(rules.check_certificates([certificate("web-tls", issuer="public", kind="ClusterIssuer")]), [])


class PoolSizes(unittest.TestCase):
    """The pool sizes the manifests state are the ones the binaries open."""

    ROOT = pathlib.Path(__file__).resolve().parents[2]

    def stated(self, manifest):
        text = (pathlib.Path(__file__).parent / manifest).read_text(encoding="utf-8")
        return {int(n) for n in re.findall(r'renrakucho/database-connections: "(\d+)"', text)}

    def in_code(self, path, pattern):
        found = re.search(pattern, (self.ROOT / path).read_text(encoding="utf-8"), re.DOTALL)
        self.assertIsNotNone(found, f"{path} no longer opens its pool as {pattern!r}: update the manifests")
        return int(found.group(1))

    def test_the_services_pool_is_the_runtimes(self):
        pool = self.in_code("libs/service-runtime/src/runtime.rs", r"connect_once\(database_url, (\d+)\)")
        for service in ("identity", "offices", "careboard", "notify"):
            self.assertEqual(self.stated(f"base/{service}.yaml"), {pool}, service)

    def test_the_rotation_jobs_pool_is_the_commands(self):
        pool = self.in_code("services/identity/src/lib.rs",
                            r"fn rotate_kek.*?db::connect\([^;]*?, (\d+)\)")
        self.assertEqual(self.stated("jobs/rotate-kek/job.yaml"), {pool})

    def test_the_bootstrap_jobs_pool_is_the_commands(self):
        offices = self.in_code("services/offices/src/lib.rs",
                               r"fn bootstrap.*?db::connect\([^;]*?, (\d+)\)")
        identity = self.in_code("services/identity/src/lib.rs",
                                r"async fn open.*?db::connect\([^;]*?, (\d+)\)")
        # One command after the other: the larger pool is the most the Job holds.
        self.assertEqual(self.stated("jobs/bootstrap/job.yaml"), {max(offices, identity)})


class RecoveryCluster(unittest.TestCase):
    """The restore of the runbook (docs/operations.md) must pass the Cluster schema."""

    def test_a_point_in_time_recovery_cluster_is_valid(self):
        schema_file = pathlib.Path(__file__).parent / "schemas" / "cluster-postgresql.cnpg.io-v1.json"
        schema = yaml.safe_load(schema_file.read_text(encoding="utf-8"))
        cluster = yaml.safe_load("""
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: careboard-db-restore}
spec:
  instances: 1
  storage: {size: 20Gi}
  bootstrap:
    recovery:
      source: careboard-db
      database: careboard
      owner: careboard
      recoveryTarget:
        targetTime: "2026-12-01 08:00:00+09"
  externalClusters:
    - name: careboard-db
      plugin:
        name: barman-cloud.cloudnative-pg.io
        parameters:
          barmanObjectName: careboard-backups
          serverName: careboard-db
""")
        errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(cluster)]
        self.assertEqual(errors, [])


if __name__ == "__main__":
    unittest.main()
