using System.Net;
using k8s.Autorest;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>Classifies API server answers (KubernetesClient throws <see cref="HttpOperationException"/> for non-2xx).</summary>
public static class KubeErrors
{
    public static bool IsNotFound(Exception e) => Status(e) == HttpStatusCode.NotFound;

    public static bool IsConflict(Exception e) => Status(e) == HttpStatusCode.Conflict;

    public static HttpStatusCode? Status(Exception e) => (e as HttpOperationException)?.Response?.StatusCode;

    /// <summary>Deletes, treating 404 as already done; true when something was deleted.</summary>
    public static async Task<bool> DeleteIgnoringMissingAsync(Func<Task> delete)
    {
        try
        {
            await delete();
            return true;
        }
        catch (HttpOperationException e) when (IsNotFound(e))
        {
            return false;
        }
    }
}
