namespace OrleansAttest.Silo.Kubernetes;

/// <summary>The API group and version of OrleansAttest's custom resources.</summary>
public static class EdgeResourceGroup
{
    public const string Group = "edge.orleansattest.io";
    public const string Version = "v1alpha1";
    public const string ApiVersion = Group + "/" + Version;
    /// <summary>The one field manager OrleansAttest writes status under (server-side apply).</summary>
    public const string FieldManager = "orleansattest";
}
