using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Silo.Kubernetes.Status;

/// <summary>
/// Makes one EdgeNode's status equal to its grain's: reads the grain's status fresh (the transition alone does not
/// carry AK, TPM or the latest verdict), builds the status and applies it server-side under the one field manager.
/// A missing EdgeNode (404) means there is nothing to write.
/// </summary>
public sealed class EdgeNodeStatusWriter(EdgeResources resources, IGrainFactory grains, IOptions<KubernetesOptions> options, TimeProvider time)
{
    /// <summary>
    /// Writes the status of <paramref name="name"/> (read first unless <paramref name="known"/> is given); with
    /// <paramref name="onlyIfStale"/> only when it differs (<see cref="EdgeNodeStatusBuilder.NeedsWrite"/>).
    /// Returns whether it wrote.
    /// </summary>
    public async Task<bool> WriteAsync(string name, EdgeNodeResource? known, bool onlyIfStale, CancellationToken ct)
    {
        var node = known;
        if (node is null)
        {
            try
            {
                node = await resources.GetNodeAsync(name, ct);
            }
            catch (Exception e) when (KubeErrors.IsNotFound(e))
            {
                return false;
            }
        }
        var grain = await grains.GetGrain<IEdgeNodeGrain>(name).GetStatusAsync();
        var now = time.GetUtcNow();
        var desired = EdgeNodeStatusBuilder.Build(grain, node.Status, DeclaredGeneration(node), now);
        if (onlyIfStale && !EdgeNodeStatusBuilder.NeedsWrite(desired, node.Status, options.Value.StatusRefreshInterval, now))
            return false;
        try
        {
            await resources.ApplyNodeStatusAsync(name, desired, ct);
            return true;
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            return false;
        }
    }

    /// <summary>The generation the watcher last declared to the grain (its annotation), as the status' observedGeneration.</summary>
    public static long? DeclaredGeneration(EdgeNodeResource node) =>
        node.Metadata.Annotations is { } annotations && annotations.TryGetValue(KubeNames.DeclaredGenerationAnnotation, out var text)
        && long.TryParse(text, out var generation) ? generation : null;
}
