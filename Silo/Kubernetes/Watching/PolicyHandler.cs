using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.ClusterSync;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Silo.Kubernetes.Watching;

/// <summary>
/// AttestationPolicies → policy grains. A spec is converted (<see cref="PolicySpecConverter"/>) and written with
/// <see cref="IPolicyGrain.SetAsync"/> when its generation is not yet the one the status says was observed; the status
/// (applied under the one field manager) then carries observedGeneration, the accepted version and an
/// <c>Accepted</c> condition — False with the reason when the conversion or the grain refused it, plus a Warning
/// Event. A deleted AttestationPolicy deletes its grain.
/// </summary>
public sealed class PolicyHandler(
    EdgeResources resources,
    IGrainFactory grains,
    IOptions<KubernetesOptions> options,
    TimeProvider time,
    KubernetesWatchMetrics metrics,
    ILogger<PolicyHandler> logger) : IResourceHandler<AttestationPolicyResource>
{
    public const string Kind = "AttestationPolicy";
    public const string AcceptedCondition = "Accepted";
    public const string ConversionFailedReason = "policy-spec-invalid";

    private readonly ConcurrentDictionary<string, long> _known = new(StringComparer.Ordinal);

    public async Task OnListedAsync(IReadOnlyList<AttestationPolicyResource> items, CancellationToken ct)
    {
        var names = items.Select(i => i.Metadata?.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _known.Keys.Where(k => !names.Contains(k)).ToList())
            await DeleteAsync(gone);
        foreach (var item in items)
            await ReconcileAsync(item, ct);
    }

    public async Task OnEventAsync(WatchEventType type, AttestationPolicyResource item, CancellationToken ct)
    {
        if (type == WatchEventType.Deleted)
            await DeleteAsync(item.Metadata.Name);
        else
            await ReconcileAsync(item, ct);
    }

    private async Task DeleteAsync(string name)
    {
        try
        {
            await grains.GetGrain<IPolicyGrain>(name).DeleteAsync();
            _known.TryRemove(name, out _);
            logger.LogInformation("AttestationPolicy {Policy} deleted; its grain is deleted", name);
        }
        catch (Exception e)
        {
            metrics.Error(Kind);
            logger.LogWarning(e, "AttestationPolicy {Policy}: deleting its grain failed; retried at the next resync", name);
        }
    }

    private async Task ReconcileAsync(AttestationPolicyResource resource, CancellationToken ct)
    {
        if (resource.Metadata?.Name is not { Length: > 0 } name || resource.Spec is null)
        {
            metrics.Error(Kind);
            logger.LogWarning("An AttestationPolicy without a name or spec was ignored");
            return;
        }
        long generation = resource.Metadata.Generation ?? 0;
        try
        {
            var grain = grains.GetGrain<IPolicyGrain>(name);
            if (resource.Status?.ObservedGeneration == generation && resource.Status.Conditions?.Any(c => c.Type == AcceptedCondition) == true
                && (resource.Status.Conditions.First(c => c.Type == AcceptedCondition).Status != "True" || await grain.GetAsync() is not null))
            {
                _known[name] = generation;
                return;
            }
            var (policy, problems) = PolicySpecConverter.Convert(name, resource.Spec);
            var stored = policy is null ? null : await grain.GetAsync();
            OperationResult result = policy is null
                ? OperationResult.Refused(ConversionFailedReason, $"AttestationPolicy '{name}' generation {generation} cannot be converted: {string.Join("; ", problems)}")
                : await grain.SetAsync(policy);
            long? version = result.Accepted ? (await grain.GetAsync())?.Version : resource.Status?.Version;
            // Roles and failure actions are part of each node's cluster state: the policy's nodes are re-reported before
            // the status says this generation is done, so a failure part-way is retried from the same status. A stored
            // version the status never recorded is an earlier attempt that did not finish: its re-report may not have either.
            bool unfinished = stored is not null && resource.Status?.Version is { } shown && shown != stored.Version;
            if (result.Accepted && (unfinished || (stored is not null && (!stored.ClusterRoles.SequenceEqual(policy!.ClusterRoles) || !stored.FailureActions.SequenceEqual(policy.FailureActions)))))
            {
                int nodes = await ClusterSyncPolicyChanges.ReportAsync(grains, policy! with { Version = version ?? 0 }, ct);
                logger.LogInformation("AttestationPolicy {Policy}: ClusterRoles or failure actions changed; {Nodes} node(s) re-reported to cluster sync", name, nodes);
            }
            var now = time.GetUtcNow();
            var previous = resource.Status?.Conditions?.FirstOrDefault(c => c.Type == AcceptedCondition);
            var status = result.Accepted ? "True" : "False";
            var condition = new EdgeNodeCondition
            {
                Type = AcceptedCondition,
                Status = status,
                ObservedGeneration = generation,
                Reason = result.Accepted ? "Stored" : KubeNames.Reason(result.ReasonCode ?? "refused"),
                Message = KubeNames.Limit(result.Detail, 32768),
                LastTransitionTime = previous is not null && previous.Status == status ? previous.LastTransitionTime
                    : new DateTimeOffset(now.UtcDateTime.Ticks - now.UtcDateTime.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero),
            };
            await resources.ApplyPolicyStatusAsync(name, new AttestationPolicyResourceStatus
            {
                ObservedGeneration = generation,
                Version = version,
                Conditions = [condition],
            }, ct);
            _known[name] = generation;
            if (result.Accepted)
            {
                logger.LogInformation("AttestationPolicy {Policy} generation {Generation} stored as version {Version}", name, generation, version);
            }
            else
            {
                logger.LogWarning("AttestationPolicy {Policy} generation {Generation} refused ({Reason}): {Detail}", name, generation, result.ReasonCode, result.Detail);
                await KubeEvents.WarnOnceAsync(resources.Client, options.Value, new V1ObjectReference
                {
                    ApiVersion = EdgeResourceGroup.ApiVersion,
                    Kind = AttestationPolicyResource.KubeKind,
                    Name = name,
                    Uid = resource.Metadata.Uid,
                }, $"{name}.policy-refused.{generation}", "PolicyRefused", $"{result.ReasonCode}: {result.Detail}", ct);
            }
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e) || KubeErrors.IsConflict(e))
        {
            logger.LogDebug("AttestationPolicy {Policy} changed while it was reconciled; the next event retries", name);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            metrics.Error(Kind);
            logger.LogWarning(e, "AttestationPolicy {Policy}: reconciling failed; retried at the next event or resync", name);
        }
    }
}
