using System.Text.Json.Nodes;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>One change in the store: ADDED, MODIFIED or DELETED, with the object as it was after the change.</summary>
public sealed record KubeWatchEvent(long ResourceVersion, string TypeKey, string Namespace, string Type, JsonObject Object);
