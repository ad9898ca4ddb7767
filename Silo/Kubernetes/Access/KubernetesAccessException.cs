namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>
/// A node's cluster access could not be brought in line now (the API server refused or was unreachable); the message
/// names the node, its phase and the HTTP answer. ClusterSyncGrain retries on it.
/// </summary>
public sealed class KubernetesAccessException(string message, Exception inner) : Exception(message, inner);
