/**
 * What a brand-new cluster holds, as `kubeadm init` plus its controllers leave it: the four system
 * namespaces (each with its default ServiceAccount and root CA ConfigMap), the `kubernetes` Service,
 * cluster DNS (the coredns Deployment behind the kube-dns Service at 10.96.0.10, the nameserver in
 * every pod's resolv.conf), N Ready nodes and a default StorageClass.
 */
import { create, rfc3339, type ApiContext, type Target } from "../api/rest";
import { RESOURCE_TYPES } from "../api/resources";
import { newNode } from "../sim/nodes";
import { BOOTSTRAP_CLUSTER_ROLE_BINDINGS, BOOTSTRAP_CLUSTER_ROLES, SYSTEM_PRIORITY_CLASSES } from "./bootstrapPolicy";

const SYSTEM_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"];

function target(kind: string, namespace = ""): Target {
  const type = RESOURCE_TYPES.find((t) => t.kind === kind)!;
  return { type, version: type.versions[0], namespace };
}

export function seedCluster(ctx: ApiContext, nodes: number): void {
  for (const name of SYSTEM_NAMESPACES) create(ctx, target("Namespace"), { metadata: { name } });
  create(ctx, target("Service", "default"), {
    metadata: { name: "kubernetes", labels: { component: "apiserver", provider: "kubernetes" } },
    spec: { clusterIP: "10.96.0.1", ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }] },
  });
  // The apiserver itself keeps the `kubernetes` Service's endpoints (it has no selector).
  const apiserver = { addresses: [{ ip: "172.18.0.2" }], ports: [{ name: "https", port: 6443, protocol: "TCP" }] };
  create(ctx, target("Endpoints", "default"), { metadata: { name: "kubernetes", labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } }, subsets: [apiserver] });
  create(ctx, target("EndpointSlice", "default"), {
    metadata: { name: "kubernetes", labels: { "kubernetes.io/service-name": "kubernetes" } },
    addressType: "IPv4",
    endpoints: [{ addresses: ["172.18.0.2"], conditions: { ready: true } }],
    ports: [{ name: "https", port: 6443, protocol: "TCP" }],
  });
  const now = rfc3339(ctx.now());
  for (let i = 1; i <= nodes; i++) create(ctx, target("Node"), newNode(i, now));
  seedClusterDns(ctx);
  create(ctx, target("StorageClass"), {
    metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: "kubeflare.dev/simulated-disk",
    reclaimPolicy: "Delete",
    volumeBindingMode: "Immediate",
  });
  for (const pc of SYSTEM_PRIORITY_CLASSES) create(ctx, target("PriorityClass"), structuredClone(pc));
  for (const role of BOOTSTRAP_CLUSTER_ROLES) create(ctx, target("ClusterRole"), structuredClone(role));
  for (const binding of BOOTSTRAP_CLUSTER_ROLE_BINDINGS) create(ctx, target("ClusterRoleBinding"), structuredClone(binding));
}

const COREFILE = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

/** kubeadm's CoreDNS addon: its ConfigMap, ServiceAccount, the kube-dns Service and two replicas. */
function seedClusterDns(ctx: ApiContext): void {
  const labels = { "k8s-app": "kube-dns" };
  create(ctx, target("ConfigMap", "kube-system"), { metadata: { name: "coredns" }, data: { Corefile: COREFILE } });
  create(ctx, target("ServiceAccount", "kube-system"), { metadata: { name: "coredns" } });
  create(ctx, target("Service", "kube-system"), {
    metadata: { name: "kube-dns", labels: { ...labels, "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" }, annotations: { "prometheus.io/port": "9153", "prometheus.io/scrape": "true" } },
    spec: {
      clusterIP: "10.96.0.10",
      selector: labels,
      ports: [
        { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
        { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
        { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
      ],
    },
  });
  create(ctx, target("Deployment", "kube-system"), {
    metadata: { name: "coredns", labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels },
        spec: {
          priorityClassName: "system-cluster-critical",
          serviceAccountName: "coredns",
          dnsPolicy: "Default",
          nodeSelector: { "kubernetes.io/os": "linux" },
          tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }, { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }],
          containers: [{
            name: "coredns",
            image: "registry.k8s.io/coredns/coredns:v1.11.3",
            args: ["-conf", "/etc/coredns/Corefile"],
            resources: { limits: { memory: "170Mi" }, requests: { cpu: "100m", memory: "70Mi" } },
            ports: [
              { name: "dns", containerPort: 53, protocol: "UDP" },
              { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
              { name: "metrics", containerPort: 9153, protocol: "TCP" },
            ],
            volumeMounts: [{ name: "config-volume", mountPath: "/etc/coredns", readOnly: true }],
          }],
          volumes: [{ name: "config-volume", configMap: { name: "coredns", items: [{ key: "Corefile", path: "Corefile" }] } }],
        },
      },
    },
  });
}
