using OrleansAttest.Benchmarks.Simulation;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Kubernetes.Tests.Support;

/// <summary>YAML manifests as an operator writes them, for kubectl apply.</summary>
public static class Manifests
{
    /// <summary>A policy polling every 2 s; with <paramref name="pinPcr7Of"/>, PCR 7 is pinned to that device's current value (so measuring into it fails the node).</summary>
    public static string Policy(string name, SimulatedDevice? pinPcr7Of = null, string quoteInterval = "2s", string responseTimeout = "1s", string unreachableAfter = "1m") => $"""
        apiVersion: edge.orleansattest.io/v1alpha1
        kind: AttestationPolicy
        metadata:
          name: {name}
        spec:
          quoteInterval: {quoteInterval}
          responseTimeout: {responseTimeout}
          unreachableAfter: {unreachableAfter}
          pcrSelection: "sha256:0,1,2,3,4,5,6,7"
          failureActions: [revoke-credentials, notify-agent]
          clusterRoles: [edge-workload]
        {(pinPcr7Of is null ? "" : $"""
          allowedPcrValues:
            "sha256:7": ["{Convert.ToHexStringLower(pinPcr7Of.Pcrs.Read(TpmAlgorithm.Sha256, 7))}"]
        """)}
        """;

    public static string EdgeNode(string name, SimulatedDevice device, string policy, string? nodeName = null) => $"""
        apiVersion: edge.orleansattest.io/v1alpha1
        kind: EdgeNode
        metadata:
          name: {name}
        spec:
          nodeName: {nodeName ?? name}
          ekPublicSha256: {device.EkPublicSha256}
          policyRef: {policy}
        """;
    public static string EdgeNode(string name, string ekPublicSha256, string policy) => $"""
        apiVersion: edge.orleansattest.io/v1alpha1
        kind: EdgeNode
        metadata:
          name: {name}
        spec:
          nodeName: {name}
          ekPublicSha256: {ekPublicSha256}
          policyRef: {policy}
        """;

    /// <summary>A policy polling every 3 s that pins every listed PCR, with all four failure actions and one ClusterRole.</summary>
    public static string PinnedPolicy(string name, IReadOnlyDictionary<string, string[]> allowed, string clusterRole) => $"""
        apiVersion: edge.orleansattest.io/v1alpha1
        kind: AttestationPolicy
        metadata:
          name: {name}
        spec:
          quoteInterval: 3s
          responseTimeout: 2500ms
          unreachableAfter: 2m
          pcrSelection: "sha256:0,1,2,3,4,5,6,7"
          failureActions: [revoke-credentials, notify-agent, cordon, taint]
          clusterRoles: [{clusterRole}]
          allowedPcrValues:
        {string.Join("\n", allowed.Select(p => $"    \"{p.Key}\": [{string.Join(", ", p.Value.Select(v => $"\"{v}\""))}]"))}
        """;

    public static string ClusterRole(string name) => $"""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: {name}
        rules:
        - apiGroups: [""]
          resources: [configmaps]
          verbs: [get]
        """;

    /// <summary>A registered Node (as kubelet would leave it) carrying one taint of its own.</summary>
    public static string Node(string name, (string Key, string Value, string Effect) taint) => $"""
        apiVersion: v1
        kind: Node
        metadata:
          name: {name}
        spec:
          taints:
          - key: {taint.Key}
            value: "{taint.Value}"
            effect: {taint.Effect}
        """;
}
