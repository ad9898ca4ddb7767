using OrleansAttest.Fixtures;

namespace OrleansAttest.Kubernetes.Tests.Support;

/// <summary>Where the chart and its CRDs live in the checkout.</summary>
public static class ChartPaths
{
    public static string Chart => Path.Combine(RepositoryRoot.Find(), "helm", "orleansattest");
    public static string Crds => Path.Combine(Chart, "crds");
    public static string EdgeNodeCrd => Path.Combine(Crds, "edgenodes.edge.orleansattest.io.yaml");
    public static string AttestationPolicyCrd => Path.Combine(Crds, "attestationpolicies.edge.orleansattest.io.yaml");
}
