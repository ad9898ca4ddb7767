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

    /// <summary>Deletes, treating 404 as already done; true when something was deleted.</summary>
    public static async Task<bool> DeleteIgnoringMissingAsync(Func<Task> delete)
    {
        try
        {
            await delete();
            return true;
        }
        catch (Exception e) when (IsNotFound(e))
        {
            return false;
        }
    }
}
