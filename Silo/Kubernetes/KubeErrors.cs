using System.Net;
using k8s.Autorest;

namespace OrleansAttest.Silo.Kubernetes;

/// <summary>What an API-server error means for an idempotent writer.</summary>
public static class KubeErrors
{
    public static HttpStatusCode? StatusOf(Exception e) => e switch
    {
        HttpOperationException h => h.Response?.StatusCode,
        k8s.KubernetesException k when k.Status?.Code is int code => (HttpStatusCode)code,
        _ => null,
    };

    public static bool IsNotFound(Exception e) => StatusOf(e) == HttpStatusCode.NotFound;

    public static bool IsConflict(Exception e) => StatusOf(e) == HttpStatusCode.Conflict;

    public static bool IsGone(Exception e) => StatusOf(e) == HttpStatusCode.Gone;
}
