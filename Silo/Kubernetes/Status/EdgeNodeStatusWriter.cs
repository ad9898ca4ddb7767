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
    /// </summary>
    public async Task<EdgeNodeStatusWrite> WriteAsync(string name, EdgeNodeResource? known, bool onlyIfStale, CancellationToken ct)
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
                return EdgeNodeStatusWrite.NoNode;
            }
        }
        var grain = await grains.GetGrain<IEdgeNodeGrain>(name).GetStatusAsync();
        var now = time.GetUtcNow();
        var desired = EdgeNodeStatusBuilder.Build(grain, node.Status, DeclaredGeneration(node), now);
        bool phaseWasStale = node.Status?.Phase is { } shown && shown != desired.Phase;
        if (onlyIfStale && !EdgeNodeStatusBuilder.NeedsWrite(desired, node.Status, options.Value.StatusRefreshInterval, now))
            return new(false, grain, phaseWasStale);
        try
        {
            await resources.ApplyNodeStatusAsync(name, desired, ct);
            return new(true, grain, phaseWasStale);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            return EdgeNodeStatusWrite.NoNode;
        }
    }

    /// <summary>The generation the watcher last declared to the grain (its annotation), as the status' observedGeneration.</summary>
    public static long? DeclaredGeneration(EdgeNodeResource node) =>
        node.Metadata.Annotations is { } annotations && annotations.TryGetValue(KubeNames.DeclaredGenerationAnnotation, out var text)
        && long.TryParse(text, out var generation) ? generation : null;
}
