using k8s;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansAttest.Silo.Kubernetes.Access;

/// <summary>
/// The kubelet CSR approver: list all CSRs, decide each (<see cref="CsrReviewer"/>, <see cref="CsrApprovals"/>),
/// then watch from the list's resourceVersion (a closed stream is watched again from the last resourceVersion seen);
/// list again on 410, an error (with backoff) and every ApproverResync. A CSR whose decision failed (e.g. the verifier did not answer) is retried by an early relist. Never
/// stops until the host does; several may run (decisions are written with resourceVersion preconditions).
/// </summary>
public sealed class KubeletCsrApprover(
    IKubernetes kube,
    CsrReviewer reviewer,
    CsrApprovals approvals,
    IOptions<KubernetesAccessOptions> options,
    KubernetesAccessMetrics metrics,
    ILogger<KubeletCsrApprover> logger) : BackgroundService
{
    private CancellationTokenSource? _round;
    // How soon a round with an undecidable CSR lists again: doubles while decisions keep failing, so a verifier that
    // stays away is asked less and less often (up to ApproverMaxBackoff), not every second.
    private TimeSpan _retryDelay;
    private bool _decisionFailed;

    /// <summary>Completed rounds (a list and the watch after it); for health checks and tests.</summary>
    public long Rounds { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.ApproveCsrs)
        {
            logger.LogInformation("Kubelet CSR approver off ({Section}:ApproveCsrs=false)", KubernetesAccessOptions.Section);
            return;
        }
        var backoff = o.ApproverBackoff;
        _retryDelay = o.ApproverBackoff;
        var cause = "start";
        while (!stoppingToken.IsCancellationRequested)
        {
            metrics.ApproverRestarted(cause);
            _retryDelay = _decisionFailed ? TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, o.ApproverMaxBackoff.Ticks)) : o.ApproverBackoff;
            _decisionFailed = false;
            try
            {
                using var round = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                round.CancelAfter(o.ApproverResync);
                _round = round;
                var list = await kube.CertificatesV1.ListCertificateSigningRequestAsync(cancellationToken: stoppingToken);
                foreach (var csr in list.Items)
                    await DecideAsync(csr, stoppingToken);
                backoff = o.ApproverBackoff;
                cause = await WatchAsync(list.Metadata.ResourceVersion, round.Token, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                cause = "error";
                logger.LogError(e, "Kubelet CSR approver: listing or watching CSRs failed; listing again in {Backoff}", backoff);
                try
                {
                    await Task.Delay(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, o.ApproverMaxBackoff.Ticks));
            }
            finally
            {
                _round = null;
                Rounds++;
            }
        }
    }

    /// <summary>
    /// Watches from <paramref name="resourceVersion"/>; a stream that closes cleanly is watched again from the last
    /// resourceVersion seen (events or bookmarks). Returns why a full list is needed: 410 ("expired") or the resync.
    /// </summary>
    private async Task<string> WatchAsync(string resourceVersion, CancellationToken round, CancellationToken stoppingToken)
    {
        var version = resourceVersion;
        while (true)
        {
            Exception? error = null;
            var started = DateTimeOffset.UtcNow;
            int seen = 0;
            try
            {
                await foreach (var (type, csr) in kube.CertificatesV1.WatchListCertificateSigningRequestAsync(
                    allowWatchBookmarks: true, resourceVersion: version, onError: e => error ??= e, cancellationToken: round))
                {
                    if (error is not null)
                        break;
                    seen++;
                    if (csr?.Metadata?.ResourceVersion is { Length: > 0 } rv)
                        version = rv;
                    if (type is WatchEventType.Added or WatchEventType.Modified && csr is not null)
                        await DecideAsync(csr, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (round.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                return "resync";
            }
            if (error is KubernetesException { Status.Code: 410 })
                return "expired";
            if (error is not null)
                throw new InvalidOperationException($"the CSR watch reported an error: {error.Message}", error);
            if (round.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
                return "resync";
            stoppingToken.ThrowIfCancellationRequested();
            logger.LogDebug("Kubelet CSR approver: watch closed after {Events} event(s); watching again from resourceVersion {Version}", seen, version);
            // A server that closes every watch at once must not make this a busy loop.
            if (seen == 0 && DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(1))
            {
                try
                {
                    await Task.Delay(options.Value.ApproverBackoff, round);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    return "resync";
                }
            }
        }
    }

    private async Task DecideAsync(V1CertificateSigningRequest csr, CancellationToken stoppingToken)
    {
        try
        {
            var decision = await reviewer.ReviewAsync(csr, stoppingToken);
            await approvals.DecideAsync(csr.Metadata.Name, decision, stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // Undecided stays undecided (fail closed); list again soon rather than at the next resync.
            _decisionFailed = true;
            logger.LogWarning(e, "CSR {Csr}: no decision now ({Message}); trying again in {Delay}", csr.Metadata?.Name, e.Message, _retryDelay);
            try
            {
                _round?.CancelAfter(_retryDelay);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
