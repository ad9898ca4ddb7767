using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Polling;

namespace OrleansAttest.Silo.Kubernetes.Watching;

/// <summary>
/// The watcher: only the holder of the Lease <see cref="KubernetesOptions.LeaseName"/> runs it. While this silo
/// leads, EdgeNodes and AttestationPolicies are listed and watched (<see cref="ResourceWatchLoop{T,TList}"/>) and
/// statuses refreshed; when the Lease cannot be renewed within RenewDeadline, all of that is cancelled at once and
/// the silo goes back to trying to acquire it. Writes stay idempotent, so a brief overlap of two watchers is harmless.
/// </summary>
public sealed class EdgeWatcherService(
    IKubernetes client,
    EdgeNodeHandler nodes,
    PolicyHandler policies,
    StatusRefresher refresher,
    IOptions<KubernetesOptions> options,
    KubernetesWatchMetrics metrics,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggers,
    ILogger<EdgeWatcherService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        // Grain calls need the silo: lead only once every hosted service (the silo among them) has started.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            try
            {
                await started.Task.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        int failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            CancellationTokenSource? leading = null;
            Task? work = null;
            try
            {
                var leaseLock = new LeaseLock(client, o.LeaseNamespace!, o.LeaseName, o.Identity!);
                using var elector = new LeaderElector(new LeaderElectionConfig(leaseLock)
                {
                    LeaseDuration = o.LeaseDuration,
                    RenewDeadline = o.RenewDeadline,
                    RetryPeriod = o.RetryPeriod,
                });
                elector.OnStartedLeading += () =>
                {
                    leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    metrics.SetLeader(true);
                    logger.LogInformation("Holding Lease {Namespace}/{Lease} as {Identity}: watching EdgeNodes and AttestationPolicies", o.LeaseNamespace, o.LeaseName, o.Identity);
                    work = WatchAsync(leading.Token);
                };
                elector.OnStoppedLeading += () =>
                {
                    leading?.Cancel();
                    metrics.SetLeader(false);
                    if (!stoppingToken.IsCancellationRequested)
                        logger.LogWarning("Lost Lease {Namespace}/{Lease}: stopped watching", o.LeaseNamespace, o.LeaseName);
                };
                elector.OnNewLeader += leader => logger.LogInformation("Lease {Namespace}/{Lease} is held by {Leader}", o.LeaseNamespace, o.LeaseName, leader);
                await elector.RunUntilLeadershipLostAsync(stoppingToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                failures++;
                metrics.Error("Lease");
                logger.LogWarning(e, "Leader election on Lease {Namespace}/{Lease} failed (attempt {Attempt})", o.LeaseNamespace, o.LeaseName, failures);
            }
            finally
            {
                leading?.Cancel();
                metrics.SetLeader(false);
                if (work is not null)
                    await work;
                leading?.Dispose();
                if (work is not null && stoppingToken.IsCancellationRequested)
                    await ReleaseAsync(o);
            }
            if (failures > 0 && !stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(PollSchedule.Retry(failures, o.ErrorBackoffInitial, o.ErrorBackoffMax, 0.2, Random.Shared.NextDouble()), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    /// <summary>
    /// On shutdown, hands the Lease back (empty holder, as client-go's ReleaseOnCancel does) so another silo takes over
    /// within its retry period instead of waiting out the lease duration. Best effort: a failure only costs that wait.
    /// </summary>
    private async Task ReleaseAsync(KubernetesOptions o)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(o.LeaseName, o.LeaseNamespace, cancellationToken: timeout.Token);
            if (lease.Spec is null || lease.Spec.HolderIdentity != o.Identity)
                return;
            lease.Spec.HolderIdentity = "";
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.RenewTime = DateTime.UtcNow;
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, o.LeaseName, o.LeaseNamespace, cancellationToken: timeout.Token);
            logger.LogInformation("Released Lease {Namespace}/{Lease} on shutdown", o.LeaseNamespace, o.LeaseName);
        }
        catch (Exception e)
        {
            logger.LogInformation(e, "Lease {Namespace}/{Lease} was not released on shutdown; another silo takes over when it expires", o.LeaseNamespace, o.LeaseName);
        }
    }

    /// <summary>Both watches and the status refresh until <paramref name="ct"/> (leadership) ends; never throws.</summary>
    private async Task WatchAsync(CancellationToken ct)
    {
        var o = options.Value;
        var nodeLoop = new ResourceWatchLoop<EdgeNodeResource, EdgeNodeList>(EdgeNodeHandler.Kind, EdgeNodeResource.KubePlural, client, nodes, o, metrics,
            loggers.CreateLogger("OrleansAttest.Silo.Kubernetes.Watching.EdgeNodeWatch"));
        var policyLoop = new ResourceWatchLoop<AttestationPolicyResource, AttestationPolicyList>(PolicyHandler.Kind, AttestationPolicyResource.KubePlural, client, policies, o, metrics,
            loggers.CreateLogger("OrleansAttest.Silo.Kubernetes.Watching.AttestationPolicyWatch"));
        try
        {
            await Task.WhenAll(Task.Run(() => policyLoop.RunAsync(ct), CancellationToken.None), Task.Run(() => nodeLoop.RunAsync(ct), CancellationToken.None),
                Task.Run(() => refresher.RunAsync(ct), CancellationToken.None));
        }
        catch (Exception e)
        {
            logger.LogError(e, "The watcher stopped unexpectedly");
        }
    }
}
