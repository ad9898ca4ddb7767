namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>The built-in resources the product uses (issue 6), with short names and default Table columns.</summary>
public static class KubeBuiltinTypes
{
    private static readonly KubePrinterColumn Age = new("Age", "date", ".metadata.creationTimestamp");

    public static readonly KubeResourceType Namespaces = new("", "v1", "namespaces", "namespace", "Namespace", false, ["ns"], ["status", "finalize"])
    { PrinterColumns = [new("Status", "string", ".status.phase"), Age], TracksGeneration = false };
    public static readonly KubeResourceType Secrets = new("", "v1", "secrets", "secret", "Secret", true, [], [])
    { PrinterColumns = [new("Type", "string", ".type"), Age], TracksGeneration = false };
    public static readonly KubeResourceType Nodes = new("", "v1", "nodes", "node", "Node", false, ["no"], ["status"])
    { PrinterColumns = [new("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status"), new("Unschedulable", "boolean", ".spec.unschedulable"), Age], TracksGeneration = false };
    public static readonly KubeResourceType CoreEvents = new("", "v1", "events", "event", "Event", true, ["ev"], [])
    { PrinterColumns = [new("Type", "string", ".type"), new("Reason", "string", ".reason"), new("Message", "string", ".message")], TracksGeneration = false };
    public static readonly KubeResourceType Events = new("events.k8s.io", "v1", "events", "event", "Event", true, ["ev"], [])
    { PrinterColumns = [new("Type", "string", ".type"), new("Reason", "string", ".reason"), new("Note", "string", ".note")], TracksGeneration = false };
    public static readonly KubeResourceType Leases = new("coordination.k8s.io", "v1", "leases", "lease", "Lease", true, [], [])
    { PrinterColumns = [new("Holder", "string", ".spec.holderIdentity"), Age], TracksGeneration = false };
    public static readonly KubeResourceType ClusterRoles = new("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false, [], [])
    { PrinterColumns = [new("Created At", "string", ".metadata.creationTimestamp")], TracksGeneration = false };
    public static readonly KubeResourceType ClusterRoleBindings = new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false, [], [])
    { PrinterColumns = [new("Role", "string", ".roleRef.name"), Age], TracksGeneration = false };
    public static readonly KubeResourceType CertificateSigningRequests = new("certificates.k8s.io", "v1", "certificatesigningrequests", "certificatesigningrequest", "CertificateSigningRequest", false, ["csr"], ["status", "approval"])
    { PrinterColumns = [Age, new("SignerName", "string", ".spec.signerName"), new("Requestor", "string", ".spec.username"), new("Condition", "string", ".status.conditions[*].type")] };
    public static readonly KubeResourceType CustomResourceDefinitions = new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false, ["crd", "crds"], ["status"])
    { PrinterColumns = [new("Created At", "string", ".metadata.creationTimestamp")] };

    // What the Helm chart installs besides the above, stored as sent (no controllers act on them): helm install and
    // upgrade run against this server, and tests start the pods from what it holds.
    public static readonly KubeResourceType Services = new("", "v1", "services", "service", "Service", true, ["svc"], ["status"])
    { PrinterColumns = [new("Type", "string", ".spec.type"), new("Cluster-IP", "string", ".spec.clusterIP"), Age], TracksGeneration = false };
    public static readonly KubeResourceType ServiceAccounts = new("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, ["sa"], [])
    { PrinterColumns = [Age], TracksGeneration = false };
    public static readonly KubeResourceType Deployments = new("apps", "v1", "deployments", "deployment", "Deployment", true, ["deploy"], ["status"])
    { PrinterColumns = [new("Replicas", "integer", ".spec.replicas"), Age] };
    public static readonly KubeResourceType PodDisruptionBudgets = new("policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true, ["pdb"], ["status"])
    { PrinterColumns = [new("Max Unavailable", "string", ".spec.maxUnavailable"), Age] };
    public static readonly KubeResourceType Roles = new("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, [], [])
    { PrinterColumns = [new("Created At", "string", ".metadata.creationTimestamp")], TracksGeneration = false };
    public static readonly KubeResourceType RoleBindings = new("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true, [], [])
    { PrinterColumns = [new("Role", "string", ".roleRef.name"), Age], TracksGeneration = false };

    public static IReadOnlyList<KubeResourceType> All { get; } =
        [Namespaces, Secrets, Nodes, CoreEvents, Events, Leases, ClusterRoles, ClusterRoleBindings, CertificateSigningRequests, CustomResourceDefinitions,
         Services, ServiceAccounts, Deployments, PodDisruptionBudgets, Roles, RoleBindings];
}
