using Grpc.Core;
using Microsoft.Extensions.Logging;
using OrleansAttest.EdgeAgent.Connection;
using OrleansAttest.EdgeAgent.Credentials;
using OrleansAttest.EdgeAgent.Device;
using OrleansAttest.Protocol.V1;
using OrleansAttest.Tpm.Device;

namespace OrleansAttest.EdgeAgent;

/// <summary>
/// The agent's life: open the TPM side once, then keep one stream to the gateway, reconnecting with backoff and
/// jitter after any end (refusal, gateway restart, network loss). The TPM client is the caller's (it may be shared).
/// </summary>
public sealed class AgentRunner(AgentOptions options, TpmClient tpmClient, ILogger<AgentRunner> logger)
{
    public AgentStatus Status { get; } = new();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.NodeName))
            throw new InvalidOperationException("no node name is configured (--node)");
        await using var tpm = await AgentTpm.OpenAsync(tpmClient, options.StateDirectory, options.AkAlgorithm, cancellationToken);
        logger.LogInformation("Node {Node}: TPM {Tpm} opened; AK {AkState} in {StateDirectory}", options.NodeName, tpmClient.Transport.Description,
            tpm.AkIsNew ? "created" : "loaded", options.StateDirectory);
        var gateways = options.AllGateways;
        if (gateways.Count == 0)
            throw new InvalidOperationException("no gateway address is configured (--gateway)");
        // One channel per gateway, made once; after any end of a session the next gateway is tried (failover, round robin).
        var channels = gateways.Select(g => GatewayChannelFactory.Create(options, g)).ToArray();
        using var disposeChannels = new ChannelsDisposer(channels);
        var eventLog = new EventLogSource(options.EventLog);
        var store = new CredentialStore(options.EffectiveCredentialsDirectory, logger);
        store.EnsureDirectory();
        var hook = new CredentialHook(options.Hook, options.NodeName, store.Directory, options.HookTimeout, logger);
        var credentials = new CredentialReceiver(tpm, store, hook, options.NodeName, Status, logger);
        var backoff = new ReconnectBackoff(options.ReconnectInitialDelay, options.ReconnectMaxDelay);
        for (var attempt = 0; !cancellationToken.IsCancellationRequested; attempt++)
        {
            var gateway = gateways[attempt % gateways.Count];
            uint retryAfterMs = 0;
            try
            {
                var session = new GatewaySession(new AgentGateway.AgentGatewayClient(channels[attempt % channels.Length]), tpm, eventLog, credentials, options, Status, logger);
                var activated = await session.RunAsync(cancellationToken);
                retryAfterMs = session.RetryAfterMs;
                if (activated)
                    backoff.Reset();
                if (session.StartOver)
                {
                    // An operator reset: the node waits for this agent's hello, so say it at once.
                    logger.LogInformation("Node {Node}: the node was reset; saying hello again", options.NodeName);
                    continue;
                }
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (RpcException e)
            {
                logger.LogWarning("Node {Node}: connection to {Gateway} lost: {Status}: {Detail}", options.NodeName, gateway, e.StatusCode, e.Status.Detail);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Node {Node}: the session with {Gateway} failed", options.NodeName, gateway);
            }
            var delay = ReconnectDelay.After(backoff.Next(), retryAfterMs);
            if (delay.HintCapped)
                logger.LogWarning("Node {Node}: {Gateway} asked to wait {Requested:0} s before reconnecting; waiting at most {Max:0} s",
                    options.NodeName, gateway, retryAfterMs / 1000.0, ReconnectDelay.MaxHint.TotalSeconds);
            if (delay.FromHint)
                logger.LogInformation("Node {Node}: reconnecting in {Delay:0.0} s (the gateway's retry-after hint) to {Gateway}",
                    options.NodeName, delay.Delay.TotalSeconds, gateways[(attempt + 1) % gateways.Count]);
            else
                logger.LogInformation("Node {Node}: reconnecting in {Delay:0.0} s to {Gateway}", options.NodeName, delay.Delay.TotalSeconds, gateways[(attempt + 1) % gateways.Count]);
            try
            {
                await Task.Delay(delay.Delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private sealed class ChannelsDisposer(Grpc.Net.Client.GrpcChannel[] channels) : IDisposable
    {
        public void Dispose()
        {
            foreach (var channel in channels)
                channel.Dispose();
        }
    }
}
