namespace OrleansAttest.Kubernetes.Tests.Support;

/// <summary>Tests that measure time run alone: the other test classes' silos would otherwise share the two cores with them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial";
}
